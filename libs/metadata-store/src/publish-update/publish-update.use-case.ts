import { type CausationContext, CodedError, ErrorCodes, UpdateRevisionImported, type UpdateRevisionImportedData, updateStream } from '#contracts';
import { type EventStore, MAX_READ_LIMIT } from '#event-store';
import type { z } from 'zod';
import type { ImportUpdateUseCase } from '../import-update/import-update.use-case.js';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { describeFile } from './domain/file-digests.js';
import { decidePublish } from './domain/publish-update.decider.js';
import { FileName, PublishUpdateRequest, type PublishedFile } from './domain/publish-update.request.js';
import type { PublishUpdateReply } from './publish-update.api.js';

export interface PublishFileInput {
  readonly fileName: string;
  readonly content: Buffer;
  /** File/@Modified (ISO 8601); the publish time when absent. */
  readonly modified?: string;
}

export interface PublishUpdateCommand {
  /** The update's metadata, validated here against PublishUpdateRequest. */
  readonly request: unknown;
  readonly files: readonly PublishFileInput[];
}

/**
 * Two publishers of the next revision of one update pick the same RevisionNumber; the loser's
 * import is a revision conflict, and it retries with the number after the winner's.
 */
const MAX_ATTEMPTS = 5;

/**
 * Local publishing (WSUS local publishing / SCUP): validates the request, computes each file's
 * digests from its bytes, decides the UpdateID and next RevisionNumber from the update's stream,
 * generates the update document, and enters it through the import use case, so a published
 * revision is stored, verified, evented (UpdateRevisionImported, source `published`) and projected
 * exactly like an imported one. Refusals happen before anything is stored.
 */
export class PublishUpdateUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly importer: ImportUpdateUseCase,
  ) {}

  async execute(command: PublishUpdateCommand, context: CausationContext): Promise<PublishUpdateReply> {
    const request = parseRequest(command.request);
    const now = context.now();
    const files = command.files.map((f, i) => {
      const name = FileName.safeParse(f.fileName);
      if (!name.success) throw invalid(`files.${i}.fileName: ${name.error.issues[0]?.message ?? 'invalid'}`);
      return { declared: describeFile(f.fileName, f.content, f.modified ?? now.toISOString()), content: f.content };
    });
    const declared: PublishedFile[] = files.map((f) => f.declared);
    const newUpdateId = context.newId().toLowerCase();

    for (let attempt = 1; ; attempt++) {
      const updateId = request.updateId ?? newUpdateId;
      const existing = await this.revisions(updateId);
      // Like WSUS, only what was published here can be revised here: a synced or imported update
      // belongs to its publisher, and a local revision of it would fork the catalog.
      const foreign = existing.find((r) => r.source !== 'published');
      if (foreign !== undefined) {
        throw invalid(`updateId: update ${updateId} was ${foreign.source}, not published here; only locally published updates can be re-published`);
      }
      const numbers = existing.map((r) => r.revisionNumber);
      const outcome = decidePublish(request, declared, numbers, { newUpdateId, now });
      if ('problems' in outcome) throw invalid(outcome.problems.map((p) => `${p.field}: ${p.message}`).join('; '), outcome.problems);
      const { decision } = outcome;
      try {
        const result = await this.importer.execute(
          {
            xml: decision.xml,
            source: 'published',
            files: files.map((f) => ({ fileName: f.declared.fileName, sha1: f.declared.sha1, content: f.content })),
          },
          context,
        );
        return { updateId: result.updateId, revisionNumber: result.revisionNumber, revisionId: result.revisionId };
      } catch (error) {
        const lostRace = error instanceof CodedError && error.code === MetadataErrorCodes.RevisionConflict;
        if (!lostRace || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** The revisions the update already has, from its stream (the log is the truth). */
  private async revisions(updateId: string): Promise<Pick<UpdateRevisionImportedData, 'revisionNumber' | 'source'>[]> {
    const numbers: Pick<UpdateRevisionImportedData, 'revisionNumber' | 'source'>[] = [];
    let from = 1n;
    for (;;) {
      const page = await this.store.readStream(updateStream(updateId), { fromPosition: from, limit: MAX_READ_LIMIT });
      for (const event of page.events) {
        if (event.type !== UpdateRevisionImported.type) continue;
        const data = event.data as UpdateRevisionImportedData;
        numbers.push({ revisionNumber: data.revisionNumber, source: data.source });
      }
      if (page.events.length < MAX_READ_LIMIT) return numbers;
      from = page.events.at(-1)!.streamPosition + 1n;
    }
  }
}

function parseRequest(input: unknown): z.output<typeof PublishUpdateRequest> {
  const parsed = PublishUpdateRequest.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(request)', message: i.message }));
  throw invalid(issues.slice(0, 10).map((i) => `${i.field}: ${i.message}`).join('; '), issues);
}

function invalid(message: string, details?: unknown): CodedError {
  return new CodedError(ErrorCodes.ValidationFailed, `cannot publish: ${message}`, details === undefined ? undefined : { issues: details });
}

import { type CausationContext, CodedError, ErrorCodes, UpdateRevisionImported, type UpdateRevisionImportedData, updateStream } from '#contracts';
import { type EventStore, MAX_READ_LIMIT } from '#event-store';
import type { z } from 'zod';
import type { ImportUpdateUseCase } from '../import-update/import-update.use-case.js';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { describeFile } from './domain/file-digests.js';
import { decidePublish } from './domain/publish-update.decider.js';
import { FileName, PublishUpdateRequest, type PublishedEulaFile, type PublishedFile } from './domain/publish-update.request.js';
import type { ContentSource } from '../content-store/content-store.js';
import type { ResolvedUpload } from '../upload-content/uploaded-content.service.js';
import type { PublishUpdateReply } from './publish-update.api.js';

/** Bytes in memory (small files sent inline) or an upload named by its hex SHA-256. */
export type PublishBytes = { readonly content: Buffer } | { readonly sha256: string };

export type PublishFileInput = PublishBytes & {
  readonly fileName: string;
  /** File/@Modified (ISO 8601); the publish time when absent. */
  readonly modified?: string;
};

export type PublishEulaFileInput = PublishBytes & {
  readonly language: string;
  readonly geoId?: string;
  readonly fileName: string;
};

export interface PublishUpdateCommand {
  /** The update's metadata, validated here against PublishUpdateRequest. */
  readonly request: unknown;
  readonly files: readonly PublishFileInput[];
  /** License terms; their files are stored like the package's and shown before acceptance. */
  readonly eula?: { readonly eulaId?: string; readonly files: readonly PublishEulaFileInput[] };
}

/** Finds uploads by digest (UploadedContentService); refuses an unknown one with CONTENT.NOT_UPLOADED. */
export interface UploadResolver {
  resolve(sha256Hex: string, what: string): Promise<ResolvedUpload>;
}

interface DescribedBytes {
  readonly size: number;
  readonly sha1: string;
  readonly sha256: string;
  readonly source: ContentSource;
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
    private readonly uploads: UploadResolver | null = null,
  ) {}

  async execute(command: PublishUpdateCommand, context: CausationContext): Promise<PublishUpdateReply> {
    const request = parseRequest(command.request);
    const now = context.now();
    const files: { declared: PublishedFile; content: ContentSource }[] = [];
    for (const [i, f] of command.files.entries()) {
      const name = FileName.safeParse(f.fileName);
      if (!name.success) throw invalid(`files.${i}.fileName: ${name.error.issues[0]?.message ?? 'invalid'}`);
      const bytes = await this.describeBytes(f, `files.${i}`);
      files.push({ declared: { fileName: f.fileName, size: bytes.size, sha1: bytes.sha1, sha256: bytes.sha256, modified: f.modified ?? now.toISOString() }, content: bytes.source });
    }
    const declared: PublishedFile[] = files.map((f) => f.declared);
    const eulaFiles: { declared: PublishedEulaFile; content: ContentSource }[] = [];
    for (const [i, f] of (command.eula?.files ?? []).entries()) {
      const name = FileName.safeParse(f.fileName);
      if (!name.success) throw invalid(`eula.files.${i}.fileName: ${name.error.issues[0]?.message ?? 'invalid'}`);
      const bytes = await this.describeBytes(f, `eula.files.${i}`);
      eulaFiles.push({
        declared: { language: f.language, geoId: f.geoId ?? null, fileName: f.fileName, size: bytes.size, sha1: bytes.sha1, sha256: bytes.sha256 },
        content: bytes.source,
      });
    }
    const eula = command.eula === undefined ? undefined : { ...(command.eula.eulaId === undefined ? {} : { eulaId: command.eula.eulaId }), files: eulaFiles.map((f) => f.declared) };
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
      const outcome = decidePublish(request, declared, numbers, { newUpdateId, now }, eula);
      if ('problems' in outcome) throw invalid(outcome.problems.map((p) => `${p.field}: ${p.message}`).join('; '), outcome.problems);
      const { decision } = outcome;
      try {
        const result = await this.importer.execute(
          {
            xml: decision.xml,
            source: 'published',
            files: [
              ...files.map((f) => ({ fileName: f.declared.fileName, sha1: f.declared.sha1, content: f.content })),
              // One license text may serve several languages: its bytes are stored once.
              ...uniqueBy(eulaFiles, (f) => f.declared.sha1).map((f) => ({ fileName: f.declared.fileName, sha1: f.declared.sha1, content: f.content })),
            ],
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

  /** Digests of inline bytes are computed here; an upload's were computed as it arrived. */
  private async describeBytes(input: PublishBytes, what: string): Promise<DescribedBytes> {
    if ('content' in input) {
      const d = describeFile('', input.content, '');
      return { size: d.size, sha1: d.sha1, sha256: d.sha256, source: input.content };
    }
    if (this.uploads === null) throw invalid(`${what}: this server takes no uploads; send the bytes inline`);
    const upload = await this.uploads.resolve(input.sha256, what);
    return {
      size: upload.size,
      sha1: upload.sha1,
      sha256: upload.sha256Base64,
      source: { verifiedPath: upload.path, sha1: upload.sha1, sha256: upload.sha256Base64, size: upload.size },
    };
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

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
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

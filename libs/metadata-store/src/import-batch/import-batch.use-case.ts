import { type CausationContext, CodedError, ErrorCodes } from '#contracts';
import { type EventStore, StreamVersionConflictError } from '#event-store';
import { lockContent } from '../content-store/content-lock.js';
import type { ContentStore, StagedContent } from '../content-store/content-store.js';
import { identityHint, SynchronizationRun } from '../import-update/import-synchronization.js';
import {
  type ImportChange,
  type ImportUpdateCommand,
  type ImportUpdateUseCase,
  importInTransaction,
  namedSha1s,
  placeFiles,
  type PreparedImport,
  prepareImport,
  stageFiles,
} from '../import-update/import-update.use-case.js';
import type { ImportBatchItemReply, ImportBatchReply } from './import-batch.api.js';

/** Lost races on an update's stream (another import of the same update) retry the whole batch. */
const MAX_ATTEMPTS = 5;

/**
 * Many update documents in one request, all or nothing: every document is parsed and checked, every
 * supplied file verified and staged, then ONE transaction decides and appends each document exactly
 * as the single import does (the same UpdateRevisionImported event per new revision, the same
 * RevisionID allocation, the same conflict refusal). Any refusal rolls the whole batch back and
 * discards the staged files: the catalog gains nothing, and the error names the document by index.
 *
 * Why: the single import costs one HTTP request, one transaction and one synchronization run (two
 * more appends) per document, and every projection following the log then commits a transaction per
 * event. A batch makes that one of each per request, and the followers see the events together.
 * The whole request is one synchronization run, like an upstream synchronization of that many items.
 */
export class ImportBatchUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly content: ContentStore,
    private readonly importer: ImportUpdateUseCase,
    private readonly onRecordError: (error: unknown) => void,
  ) {}

  async execute(commands: readonly ImportUpdateCommand[], context: CausationContext): Promise<ImportBatchReply> {
    const run = await SynchronizationRun.start(this.store, context, { trigger: 'manual', expectedItems: commands.length });
    let results: ImportBatchItemReply[];
    try {
      results = await this.importAll(commands, context);
    } catch (error) {
      await this.recordRefusal(run, commands, error);
      throw error;
    }
    for (const r of results) run.record({ kind: r.change });
    await run.complete();
    return { results, synchronizationId: run.runId };
  }

  private async importAll(commands: readonly ImportUpdateCommand[], context: CausationContext): Promise<ImportBatchItemReply[]> {
    const prepared = commands.map((c, index) => atIndex(index, commands.length, () => prepareImport(c.xml, c.source)));
    const staged: StagedContent[][] = [];
    try {
      for (const [index, p] of prepared.entries()) {
        staged.push(await atIndexAsync(index, commands.length, () => stageFiles(this.content, p.document, commands[index]!.files ?? [])));
      }
      const outcomes = await this.commit(prepared, context, staged);
      const results: ImportBatchItemReply[] = [];
      for (const [index, p] of prepared.entries()) {
        const storedFiles = staged[index]!.map((s) => `/Content/${s.relativePath}`);
        const { updateId, revisionNumber } = p.document.summary.identity;
        results.push({ ...outcomes[index]!, updateId, revisionNumber, storedFiles });
      }
      // The projection applies the log in order: once the batch's last new revision shows, all do.
      const lastCreated = results.findLast((r) => r.created);
      if (lastCreated !== undefined) await this.importer.awaitRevision(lastCreated.updateId, lastCreated.revisionNumber);
      return results;
    } catch (error) {
      await Promise.all(staged.flat().map((s) => s.discard().catch(() => undefined)));
      throw error;
    }
  }

  private async commit(
    prepared: readonly PreparedImport[],
    context: CausationContext,
    staged: readonly (readonly StagedContent[])[],
  ): Promise<{ revisionId: number; created: boolean; change: ImportChange }[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await this.store.db.transaction(async (tx) => {
          // Every document's content locks at once, in digest order (each import re-takes its own: re-entrant).
          await lockContent(tx, prepared.flatMap((p) => namedSha1s(p.document)));
          const done: { revisionId: number; created: boolean; change: ImportChange }[] = [];
          // One after the other: a later document may be the next revision of an earlier one.
          for (const [index, p] of prepared.entries()) done.push(await atIndexAsync(index, prepared.length, () => importInTransaction(this.store, tx, p, context)));
          // After every append, under the locks: a retried attempt still has its staged files.
          await placeFiles(staged.flat());
          return done;
        });
        if (outcomes.some((o) => o.created)) this.store.notifyAppended();
        return outcomes;
      } catch (error) {
        const cause = error instanceof BatchItemError ? error.cause : error;
        if (!(cause instanceof StreamVersionConflictError)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new CodedError(ErrorCodes.StreamVersionConflict, `${attempt} attempts of this batch in a row lost a race with other imports of the same updates`);
        }
      }
    }
  }

  /** As the single import: a refusal is the run's error (with the document's identity), anything else fails the run. */
  private async recordRefusal(run: SynchronizationRun, commands: readonly ImportUpdateCommand[], error: unknown): Promise<void> {
    try {
      if (error instanceof CodedError && error.code !== ErrorCodes.Internal) {
        const index = (error.details as { index?: unknown } | undefined)?.index;
        const hint = typeof index === 'number' && commands[index] !== undefined ? identityHint(commands[index].xml) : { updateId: null, revisionNumber: null };
        run.record({ kind: 'error', error: { ...hint, code: error.code, message: error.message } });
        await run.complete();
      } else {
        await run.fail(error);
      }
    } catch (recordError) {
      this.onRecordError(recordError);
    }
  }
}

/** Carries a non-coded error of one document out of the transaction without losing it. */
class BatchItemError extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A coded refusal gains the document's place in the batch (message and details.index). */
function located(index: number, count: number, error: unknown): unknown {
  if (error instanceof CodedError) {
    const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
    return new CodedError(error.code, `document ${index + 1} of ${count}: ${error.message}`, { ...details, index });
  }
  if (error instanceof StreamVersionConflictError) return new BatchItemError(index, error);
  return error;
}

function atIndex<T>(index: number, count: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw located(index, count, error);
  }
}

async function atIndexAsync<T>(index: number, count: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw located(index, count, error);
  }
}

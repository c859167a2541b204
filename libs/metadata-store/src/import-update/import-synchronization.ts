import {
  type CausationContext,
  CodedError,
  ErrorCodes,
  newEvent,
  SynchronizationCompleted,
  SynchronizationFailed,
  type SynchronizationItemOutcome,
  SynchronizationStarted,
  synchronizationStream,
  tallySynchronization,
} from '#contracts';
import type { EventStore } from '#event-store';
import type { ImportUpdateCommand, ImportUpdateResult, ImportUpdateUseCase } from './import-update.use-case.js';

export interface SynchronizationRunStart {
  readonly trigger: 'manual' | 'scheduled';
  readonly expectedItems: number | null;
}

/**
 * One synchronization run as events (see #contracts synchronization.events.ts): Started when it
 * begins, each item's outcome tallied in memory, then Completed (every item was tried; refusals are
 * its errors) or Failed (stopped before its end). A run that dies with its process stays "running"
 * in the history: the honest answer, since nothing recorded how it ended.
 */
export class SynchronizationRun {
  private readonly outcomes: SynchronizationItemOutcome[] = [];
  private ended = false;

  private constructor(
    private readonly store: EventStore,
    private readonly context: CausationContext,
    readonly runId: string,
  ) {}

  static async start(store: EventStore, context: CausationContext, start: SynchronizationRunStart): Promise<SynchronizationRun> {
    const run = new SynchronizationRun(store, context, context.newId());
    await store.append(
      synchronizationStream(run.runId),
      [newEvent(context, SynchronizationStarted.type, SynchronizationStarted.schemaVersion, {
        runId: run.runId, source: 'import', trigger: start.trigger, upstreamServerUrl: null, expectedItems: start.expectedItems,
      })],
      'no-stream',
    );
    return run;
  }

  record(outcome: SynchronizationItemOutcome): void {
    this.outcomes.push(outcome);
  }

  async complete(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const data = { runId: this.runId, ...tallySynchronization(this.outcomes) };
    await this.store.append(synchronizationStream(this.runId), [newEvent(this.context, SynchronizationCompleted.type, SynchronizationCompleted.schemaVersion, data)], 1n);
  }

  async fail(error: unknown): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    // Unexpected errors keep their text out of the log, as at the HTTP edge (INTERNAL).
    const code = error instanceof CodedError ? error.code : ErrorCodes.Internal;
    const message = error instanceof CodedError ? error.message : 'the import stopped on an unexpected error';
    const data = { runId: this.runId, code, message, ...tallySynchronization(this.outcomes) };
    await this.store.append(synchronizationStream(this.runId), [newEvent(this.context, SynchronizationFailed.type, SynchronizationFailed.schemaVersion, data)], 1n);
  }
}

/**
 * An administrator's import request as a synchronization run of its own (source `import`, trigger
 * `manual`), so the synchronization history shows how the catalog was filled while there is no
 * upstream synchronization. A refused document is the run's error and the refusal still reaches the
 * caller; an unexpected error fails the run.
 */
export async function importAsSynchronization(
  store: EventStore,
  importer: ImportUpdateUseCase,
  command: ImportUpdateCommand,
  context: CausationContext,
  onRecordError: (error: unknown) => void,
): Promise<ImportUpdateResult & { readonly synchronizationId: string }> {
  const run = await SynchronizationRun.start(store, context, { trigger: 'manual', expectedItems: 1 });
  let result: ImportUpdateResult;
  try {
    result = await importer.execute(command, context);
  } catch (error) {
    try {
      if (error instanceof CodedError && error.code !== ErrorCodes.Internal) {
        run.record({ kind: 'error', error: { ...identityHint(command.xml), code: error.code, message: error.message } });
        await run.complete();
      } else {
        await run.fail(error);
      }
    } catch (recordError) {
      // The import's own answer matters more than its history line; the store is likely down anyway.
      onRecordError(recordError);
    }
    throw error;
  }
  run.record({ kind: result.change });
  await run.complete();
  return { ...result, synchronizationId: run.runId };
}

/** The document's UpdateIdentity, read loosely, for a document the parser refused. */
export function identityHint(xml: string): { updateId: string | null; revisionNumber: number | null } {
  const tag = /<(?:[\w.-]+:)?UpdateIdentity\b[^>]*>/.exec(xml.slice(0, 4096))?.[0] ?? '';
  const updateId = /\bUpdateID\s*=\s*"([0-9a-fA-F-]{36})"/.exec(tag)?.[1]?.toLowerCase() ?? null;
  const revision = /\bRevisionNumber\s*=\s*"(\d{1,9})"/.exec(tag)?.[1];
  return { updateId, revisionNumber: revision === undefined ? null : Number(revision) };
}

import { z } from 'zod';
import { defineEvent } from '../events/event-schema-registry.js';

/**
 * Synchronization runs (MS-WSUSOD 2.5.3.4 "Synchronization history"; MS-WSUSSS keeps a
 * Synchronization History table). A run is one stream, `synchronization-<runId>`: Started, then
 * exactly one of Completed or Failed. The same three events serve every way the catalog is filled:
 * today an administrator's import (`source: import`, one run per import request); later the
 * sync worker's upstream synchronization (`source: upstream`, one run per MS-WSUSSS session).
 *
 * Counts follow the WSUS console's synchronization results: a revision of an update the catalog did
 * not have is *new*; a further revision of an update it had is *revised*; a revision whose
 * PublicationState is Expired is *expired* (and counted only there); a document the catalog
 * already held is *unchanged*.
 */
export const SYNCHRONIZATION_SOURCES = ['import', 'upstream'] as const;
export const SYNCHRONIZATION_TRIGGERS = ['manual', 'scheduled'] as const;

const runId = z.string().uuid();
const count = z.number().int().nonnegative();

/** One document (or upstream item) that could not be taken in. */
export const SynchronizationItemError = z.object({
  /** The update the item named, when it could be read that far. */
  updateId: z.string().nullable(),
  revisionNumber: z.number().int().nonnegative().nullable(),
  /** The refusal's error code (UPDATE.INVALID_DOCUMENT, UPDATE.REVISION_CONFLICT, …). */
  code: z.string().min(1),
  message: z.string(),
});
export type SynchronizationItemError = z.infer<typeof SynchronizationItemError>;

const tally = {
  newUpdates: count,
  revisedUpdates: count,
  expiredUpdates: count,
  unchangedUpdates: count,
  /** Bounded: the first errors of a run are what an administrator reads; `errorCount` has them all. */
  errors: z.array(SynchronizationItemError).max(100),
  errorCount: count,
};

export const SynchronizationStarted = defineEvent(
  'SynchronizationStarted',
  1,
  z.object({
    runId,
    source: z.enum(SYNCHRONIZATION_SOURCES),
    trigger: z.enum(SYNCHRONIZATION_TRIGGERS),
    /** The upstream server for `upstream` runs; null for imports. */
    upstreamServerUrl: z.string().url().nullable(),
    /** How many items the run set out to take in, when known at the start (an import request: its documents). */
    expectedItems: count.nullable(),
  }),
);

/** The run ended; items that failed are in `errors` (a run with only failed items is still Completed when it ran to its end). */
export const SynchronizationCompleted = defineEvent('SynchronizationCompleted', 1, z.object({ runId, ...tally }));

/** The run stopped before its end (the upstream server unreachable, the store down…); the tally is what it did until then. */
export const SynchronizationFailed = defineEvent(
  'SynchronizationFailed',
  1,
  z.object({ runId, code: z.string().min(1), message: z.string(), ...tally }),
);

export type SynchronizationTally = Omit<z.infer<typeof SynchronizationCompleted.schema>, 'runId'>;

export const SYNCHRONIZATION_EVENTS = [SynchronizationStarted, SynchronizationCompleted, SynchronizationFailed] as const;
export const synchronizationStream = (runId: string): string => `synchronization-${runId}`;

export const MAX_SYNCHRONIZATION_ERRORS = 100;

/** The tally of a run, item by item: pure, shared by the import path and the future sync worker. */
export type SynchronizationItemOutcome =
  | { readonly kind: 'new' | 'revised' | 'expired' | 'unchanged' }
  | { readonly kind: 'error'; readonly error: SynchronizationItemError };

export function tallySynchronization(outcomes: readonly SynchronizationItemOutcome[]): SynchronizationTally {
  const errors = outcomes.flatMap((o) => (o.kind === 'error' ? [o.error] : []));
  const countOf = (kind: SynchronizationItemOutcome['kind']): number => outcomes.filter((o) => o.kind === kind).length;
  return {
    newUpdates: countOf('new'),
    revisedUpdates: countOf('revised'),
    expiredUpdates: countOf('expired'),
    unchangedUpdates: countOf('unchanged'),
    errors: errors.slice(0, MAX_SYNCHRONIZATION_ERRORS),
    errorCount: errors.length,
  };
}

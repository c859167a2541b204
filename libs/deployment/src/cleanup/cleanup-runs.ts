import { CodedError, type CleanupRunCounts, type RetentionSettings } from '#contracts';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';

/**
 * A run that started and never completed (its process died) holds the claim this long, then the next
 * run may start. Far longer than any run (a run is one transaction over projection tables), short
 * enough that a crash does not cost a night's cleanup.
 */
export const CLEANUP_CLAIM_LEASE_MS = 30 * 60_000;

/**
 * A scheduled slot is run only within this long after its time. A server that was down at 03:00 and
 * comes back at noon does not clean up in office hours; the next night's slot runs as usual.
 */
export const CLEANUP_SLOT_GRACE_MS = 60 * 60_000;

export type CleanupTrigger = 'manual' | 'schedule';
export type CleanupRunStatus = 'running' | 'completed' | 'completed-with-errors' | 'failed' | 'abandoned';
export interface CleanupRunError {
  readonly part: string;
  readonly code: string;
  readonly message: string;
}

export const EMPTY_COUNTS: CleanupRunCounts = {
  expiredSupersededUpdates: 0,
  expiredDeclinedUpdates: 0,
  removedApprovals: 0,
  removedComputers: 0,
  prunedReportEvents: 0,
  prunedReportComputers: 0,
  deletedContentFiles: 0,
  deletedUploads: 0,
  freedContentBytes: 0,
};

/** One run as the API shows it, folded from its CleanupRunStarted and CleanupRunCompleted. */
export interface CleanupRunView {
  readonly id: string;
  readonly trigger: CleanupTrigger;
  readonly dryRun: boolean;
  /** The scheduled time a scheduled run is for; null for a manual run. */
  readonly slot: string | null;
  readonly status: CleanupRunStatus;
  readonly startedAt: string;
  readonly startedBy: string | null;
  readonly finishedAt: string | null;
  readonly settings: RetentionSettings;
  readonly counts: CleanupRunCounts;
  readonly expiredUpdateIds: readonly string[];
  readonly removedComputerIds: readonly string[];
  /** Content paths (`XX/<SHA1>.<ext>`) deleted, or a dry run would delete; at most the first 1000. */
  readonly deletedContentPaths: readonly string[];
  /** Why the run failed (its update expiry); null otherwise. */
  readonly error: string | null;
  /** Parts that could not be done (another service unreachable): the rest of the run stands. */
  readonly errors: readonly CleanupRunError[];
}

/** The part of a recorded cleanup-runs event the fold needs. */
export interface CleanupRunEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: { readonly occurredAt: string; readonly actor: string | null };
}

/** The cleanup-runs stream folded into runs, oldest first. Pure. */
export function cleanupRunsFrom(events: readonly CleanupRunEvent[], now: Date): CleanupRunView[] {
  const runs = new Map<string, CleanupRunView>();
  for (const event of events) {
    if (event.type === 'CleanupRunStarted') {
      const d = event.data as { runId: string; trigger: CleanupTrigger; dryRun: boolean; slot: string | null; settings: RetentionSettings };
      runs.set(d.runId, {
        id: d.runId, trigger: d.trigger, dryRun: d.dryRun, slot: d.slot, status: 'running', startedAt: event.metadata.occurredAt, startedBy: event.metadata.actor,
        finishedAt: null, settings: d.settings, counts: EMPTY_COUNTS, expiredUpdateIds: [], removedComputerIds: [], deletedContentPaths: [], error: null, errors: [],
      });
    } else if (event.type === 'CleanupRunCompleted') {
      const d = event.data as {
        runId: string; outcome: 'completed' | 'completed-with-errors' | 'failed'; counts: Partial<CleanupRunCounts>; expiredUpdateIds: string[];
        removedComputerIds?: string[]; deletedContentPaths?: string[]; error?: string | null; errors?: CleanupRunError[];
      };
      const run = runs.get(d.runId);
      if (!run) continue;
      runs.set(d.runId, {
        ...run, status: d.outcome, finishedAt: event.metadata.occurredAt, counts: { ...EMPTY_COUNTS, ...d.counts }, expiredUpdateIds: d.expiredUpdateIds,
        removedComputerIds: d.removedComputerIds ?? [], deletedContentPaths: d.deletedContentPaths ?? [], error: d.error ?? null, errors: d.errors ?? [],
      });
    }
  }
  return [...runs.values()].map((run) =>
    run.status === 'running' && now.getTime() - Date.parse(run.startedAt) >= CLEANUP_CLAIM_LEASE_MS ? { ...run, status: 'abandoned' } : run,
  );
}

/**
 * May a run start now? Refused with CLEANUP.ALREADY_RUNNING while another run holds the claim (a run
 * started within the lease and not completed). A scheduled run for a slot some run already took is
 * not refused but skipped: `'slot-taken'` (a second replica, or this process after a restart).
 */
export function decideCleanupClaim(runs: readonly CleanupRunView[], request: { trigger: CleanupTrigger; slot: string | null }): 'claim' | 'slot-taken' {
  if (request.slot !== null && runs.some((r) => r.slot === request.slot)) return 'slot-taken';
  const running = runs.find((r) => r.status === 'running');
  if (running) {
    throw new CodedError(E.CleanupAlreadyRunning, `cleanup run ${running.id} is running (started ${running.startedAt}); try again when it has finished`, { runId: running.id });
  }
  return 'claim';
}

/**
 * The scheduled slot due at `now`, or null: for `daily HH:MM` (UTC), the latest HH:MM at or before
 * now, if it is less than CLEANUP_SLOT_GRACE_MS old. Pure; which slots were run is the caller's
 * question (decideCleanupClaim).
 */
export function dueCleanupSlot(schedule: RetentionSettings['schedule'], now: Date): string | null {
  const match = /^daily (\d\d):(\d\d)$/.exec(schedule);
  if (!match) return null;
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(match[1]), Number(match[2])));
  if (slot.getTime() > now.getTime()) slot.setUTCDate(slot.getUTCDate() - 1);
  return now.getTime() - slot.getTime() < CLEANUP_SLOT_GRACE_MS ? slot.toISOString() : null;
}

import { z } from 'zod';
import { SYNCHRONIZATION_SOURCES, type SynchronizationItemError } from '#contracts';
import type { SqlExecutor } from '#event-store';

export const SYNCHRONIZATION_RESULTS = ['running', 'succeeded', 'completed-with-errors', 'failed'] as const;

export const SynchronizationHistoryQuery = z.strictObject({
  /** Newest first; at most this many. */
  limit: z.number().int().min(1).max(1000).default(100),
  source: z.enum(SYNCHRONIZATION_SOURCES).optional(),
  result: z.enum(SYNCHRONIZATION_RESULTS).optional(),
});
export type SynchronizationHistoryQuery = z.input<typeof SynchronizationHistoryQuery>;

export interface SynchronizationRunView {
  readonly runId: string;
  readonly source: string;
  readonly trigger: string;
  readonly upstreamServerUrl: string | null;
  readonly startedAt: string;
  readonly startedBy: string | null;
  readonly finishedAt: string | null;
  readonly result: (typeof SYNCHRONIZATION_RESULTS)[number];
  readonly newUpdates: number;
  readonly revisedUpdates: number;
  readonly expiredUpdates: number;
  readonly unchangedUpdates: number;
  readonly errorCount: number;
  readonly errors: readonly SynchronizationItemError[];
  readonly failure: { readonly code: string; readonly message: string | null } | null;
}

export interface SynchronizationHistory {
  readonly synchronizations: readonly SynchronizationRunView[];
  /** Runs matching the filters, however many were returned. */
  readonly total: number;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString());

/** The synchronization history, newest first (one index range scan). */
export async function readSynchronizationHistory(db: SqlExecutor, query: SynchronizationHistoryQuery): Promise<SynchronizationHistory> {
  const q = SynchronizationHistoryQuery.parse(query);
  const where = `WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR result = $2)`;
  const params = [q.source ?? null, q.result ?? null];
  const rows = await db.query<{
    run_id: string; source: string; trigger: string; upstream_server_url: string | null; started_at: Date | string; started_by: string | null;
    finished_at: Date | string | null; result: SynchronizationRunView['result']; new_updates: number; revised_updates: number; expired_updates: number;
    unchanged_updates: number; error_count: number; errors: SynchronizationItemError[]; failure_code: string | null; failure_message: string | null;
  }>(
    `SELECT run_id, source, trigger, upstream_server_url, started_at, started_by, finished_at, result, new_updates, revised_updates, expired_updates,
            unchanged_updates, error_count, errors, failure_code, failure_message
       FROM rpt_synchronizations ${where} ORDER BY started_at DESC, run_id DESC LIMIT $3`,
    [...params, q.limit],
  );
  const total = (await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM rpt_synchronizations ${where}`, params)).rows[0]?.n ?? 0;
  return {
    total,
    synchronizations: rows.rows.map((r) => ({
      runId: r.run_id,
      source: r.source,
      trigger: r.trigger,
      upstreamServerUrl: r.upstream_server_url,
      startedAt: iso(r.started_at)!,
      startedBy: r.started_by,
      finishedAt: iso(r.finished_at),
      result: r.result,
      newUpdates: r.new_updates,
      revisedUpdates: r.revised_updates,
      expiredUpdates: r.expired_updates,
      unchangedUpdates: r.unchanged_updates,
      errorCount: r.error_count,
      errors: r.errors,
      failure: r.failure_code === null ? null : { code: r.failure_code, message: r.failure_message },
    })),
  };
}

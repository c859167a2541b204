import type { SqlExecutor } from '../sql/sql-database.js';
import { STREAM_LOCK_NAMESPACE } from '../append/append-to-stream.js';

/**
 * Which events of one stream a retention job removes. Always bounded by a stream position (what the
 * caller's snapshot covers) and by type: pruning is about named kinds of events, never "everything".
 */
export interface StreamEventSelection {
  /** Only events at or before this stream position (1-based). */
  readonly throughPosition: bigint;
  readonly eventTypes: readonly string[];
  /** Only events whose writer stamped them (metadata.occurredAt) before this; absent: any age. */
  readonly occurredBefore?: Date;
}

/** Where to look for streams with prunable events. */
export interface PrunableStreamQuery {
  readonly eventTypes: readonly string[];
  readonly occurredBefore: Date;
  readonly streamPrefix?: string;
}

const where = `e.stream_id = $1 AND e.stream_position <= $2::bigint
   AND e.event_type = ANY($3::text[])
   AND ($4::timestamptz IS NULL OR (e.metadata->>'occurredAt')::timestamptz < $4::timestamptz)`;

const params = (streamId: string, s: StreamEventSelection): unknown[] => [
  streamId,
  s.throughPosition.toString(),
  [...s.eventTypes],
  s.occurredBefore?.toISOString() ?? null,
];

/**
 * Deletes the selected events of one stream, in the caller's transaction, under the stream's append
 * lock (so no append of that stream interleaves). What it deliberately leaves alone:
 * - the global positions of the remaining events (rows are removed, nothing is renumbered): anchors,
 *   wire checkpoints and projection checkpoints name positions, and "everything after N" still reads
 *   exactly the remaining events after N;
 * - the stream's version (ws_streams): appends continue at the next position and optimistic
 *   concurrency compares with the same number, so a stream reads with gaps in its positions.
 * Returns how many events were deleted.
 */
export async function deleteStreamEvents(tx: SqlExecutor, streamId: string, selection: StreamEventSelection): Promise<number> {
  if (selection.eventTypes.length === 0) return 0;
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STREAM_LOCK_NAMESPACE, streamId]);
  const result = await tx.query<{ n: string }>(
    `WITH deleted AS (DELETE FROM ws_events e WHERE ${where} RETURNING 1) SELECT count(*)::text AS n FROM deleted`,
    params(streamId, selection),
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** How many events deleteStreamEvents would delete now (a dry run). */
export async function countStreamEvents(executor: SqlExecutor, streamId: string, selection: StreamEventSelection): Promise<number> {
  if (selection.eventTypes.length === 0) return 0;
  const result = await executor.query<{ n: string }>(`SELECT count(*)::text AS n FROM ws_events e WHERE ${where}`, params(streamId, selection));
  return Number(result.rows[0]?.n ?? 0);
}

/** Ids of the streams holding events of these types stamped before the time (sorted). */
export async function findStreamsWithEventsBefore(executor: SqlExecutor, query: PrunableStreamQuery): Promise<string[]> {
  if (query.eventTypes.length === 0) return [];
  const result = await executor.query<{ stream_id: string }>(
    `SELECT DISTINCT e.stream_id FROM ws_events e
      WHERE e.event_type = ANY($1::text[])
        AND (e.metadata->>'occurredAt')::timestamptz < $2::timestamptz
        AND ($3::text IS NULL OR starts_with(e.stream_id, $3::text))
      ORDER BY e.stream_id`,
    [[...query.eventTypes], query.occurredBefore.toISOString(), query.streamPrefix ?? null],
  );
  return result.rows.map((r) => r.stream_id);
}

import type { LogPosition, RecordedEvent } from '#contracts';
import { compareLogPositions, LOG_START } from '#contracts';
import type { SqlExecutor } from '../sql/sql-database.js';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './event-row.js';

export interface LogFilter {
  /** Only these event types. */
  readonly eventTypes?: readonly string[];
  /** Only streams whose id starts with this prefix (e.g. `computer-`). */
  readonly streamPrefix?: string;
}

export interface ReadAllOptions extends LogFilter {
  readonly limit?: number;
}

export interface ReadAllResult {
  readonly events: RecordedEvent[];
  /** Where the next read resumes: the last event returned, or `after` when none was. */
  readonly position: LogPosition;
  /**
   * How far the log was examined: every final event up to here that matches the filter is in
   * `events`. Past `position` when a filtered read ends short of `limit` (the rest of the log up to
   * the head it saw had none of the wanted events), so a follower filtering by type can resume from
   * here instead of re-reading the same unwanted events on every poll.
   */
  readonly scannedTo: LogPosition;
}

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 10_000;

/**
 * Events after `after`, in log order, that are final: only rows whose transaction id is below the
 * oldest transaction still running. A row from a transaction still open, or one that will commit
 * later with a smaller sequence value, cannot be passed over, because nothing after the oldest open
 * transaction is returned until it ends.
 */
export async function readAll(
  executor: SqlExecutor,
  after: LogPosition = LOG_START,
  options: ReadAllOptions = {},
): Promise<ReadAllResult> {
  const limit = options.limit ?? DEFAULT_READ_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw new RangeError(`limit must be 1..${MAX_READ_LIMIT}, got ${limit}`);
  }
  const filtered = options.eventTypes !== undefined || options.streamPrefix !== undefined;
  const params: unknown[] = [after.transactionId.toString(), after.sequence.toString(), limit];
  const conditions: string[] = [];
  if (options.eventTypes) {
    params.push([...options.eventTypes]);
    conditions.push(`e.event_type = ANY($${params.length}::text[])`);
  }
  if (options.streamPrefix) {
    params.push(options.streamPrefix);
    conditions.push(`starts_with(e.stream_id, $${params.length})`);
  }
  const select = `SELECT ${EVENT_COLUMNS}, e.transaction_id AS order_tx, e.global_sequence AS order_seq
       FROM ws_events e
      WHERE (e.transaction_id, e.global_sequence) > ($1::xid8, $2::bigint)
        AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${conditions.map((c) => `AND ${c}`).join('\n        ')}
      -- qualified: the select list renames these columns to text, and ORDER BY would sort the text
      ORDER BY e.transaction_id, e.global_sequence
      LIMIT $3`;
  // A filtered read also takes the head of the final events in the same statement, hence the same
  // snapshot: when the read ends short of the limit, no wanted event lies between the last one
  // returned and that head, which is how far a follower filtering by type may move on.
  const result = filtered
    ? await executor.query<Partial<EventRow> & { head_tx: string; head_seq: string }>(
        `WITH head AS (
           SELECT h.transaction_id::text AS head_tx, h.global_sequence::text AS head_seq
             FROM ws_events h
            WHERE h.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY h.transaction_id DESC, h.global_sequence DESC
            LIMIT 1)
         SELECT head.head_tx, head.head_seq, p.*
           FROM head LEFT JOIN LATERAL (${select}) p ON true
          ORDER BY p.order_tx, p.order_seq`,
        params,
      )
    : await executor.query<EventRow & { head_tx?: undefined; head_seq?: undefined }>(select, params);
  const first = result.rows[0];
  const head = first?.head_tx !== undefined && first.head_tx !== null ? { transactionId: BigInt(first.head_tx), sequence: BigInt(first.head_seq!) } : null;
  const events = result.rows.filter((row) => row.transaction_id !== null && row.transaction_id !== undefined).map((row) => toRecordedEvent(row as EventRow));
  const last = events[events.length - 1];
  const position = last ? last.position : after;
  const scannedTo = head !== null && events.length < limit && compareLogPositions(head, position) > 0 ? head : position;
  return { events, position, scannedTo };
}

/** The position of the last final event: "everything up to here" for checkpoints and readiness. */
export async function readHead(executor: SqlExecutor): Promise<LogPosition> {
  const result = await executor.query<{ transaction_id: string; global_sequence: string }>(
    `SELECT transaction_id::text AS transaction_id, global_sequence::text AS global_sequence
       FROM ws_events e
      WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.transaction_id DESC, e.global_sequence DESC
      LIMIT 1`,
  );
  const row = result.rows[0];
  return row ? { transactionId: BigInt(row.transaction_id), sequence: BigInt(row.global_sequence) } : LOG_START;
}

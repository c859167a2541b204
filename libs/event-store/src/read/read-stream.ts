import type { RecordedEvent } from '#contracts';
import type { SqlExecutor } from '../sql/sql-database.js';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './event-row.js';
import { MAX_READ_LIMIT } from './read-all.js';

export interface ReadStreamOptions {
  /** First stream position to return (1-based). */
  readonly fromPosition?: bigint;
  readonly limit?: number;
}

export interface ReadStreamResult {
  readonly events: RecordedEvent[];
  /** The stream's version (0n when it does not exist): what to pass as expected version next. */
  readonly version: bigint;
  readonly exists: boolean;
}

/**
 * A stream's own events, in stream order. Unlike readAll this needs no gap protection: the stream
 * row lock makes stream positions commit in order.
 */
export async function readStream(
  executor: SqlExecutor,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<ReadStreamResult> {
  const limit = options.limit ?? MAX_READ_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw new RangeError(`limit must be 1..${MAX_READ_LIMIT}, got ${limit}`);
  }
  const versionRow = (
    await executor.query<{ version: string }>('SELECT version::text AS version FROM ws_streams WHERE stream_id = $1', [
      streamId,
    ])
  ).rows[0];
  const result = await executor.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ws_events e
      WHERE e.stream_id = $1 AND e.stream_position >= $2::bigint
      ORDER BY e.stream_position LIMIT $3`, // qualified: the select list renames it to text
    [streamId, (options.fromPosition ?? 1n).toString(), limit],
  );
  return {
    events: result.rows.map(toRecordedEvent),
    version: versionRow ? BigInt(versionRow.version) : 0n,
    exists: versionRow !== undefined,
  };
}

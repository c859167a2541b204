import type { LogPosition, NewEvent } from '#contracts';
import { encodeAnchor } from '#contracts';
import { DuplicateMessageError, StreamVersionConflictError } from '../errors.js';
import type { SqlExecutor } from '../sql/sql-database.js';
import type { ExpectedVersion } from './expected-version.js';

export const EVENTS_CHANNEL = 'ws_events';

export interface AppendOptions {
  /**
   * Skip events whose messageId is already stored instead of failing. For at-least-once producers
   * (client reports keyed by EventInstanceID, sync imports keyed by revision) a retry is a no-op.
   */
  readonly skipDuplicateMessages?: boolean;
}

export interface AppendResult {
  /** The stream version after the append (unchanged when every event was a duplicate). */
  readonly nextExpectedVersion: bigint;
  /** Log positions of the events written, in order; empty when all were duplicates. */
  readonly positions: readonly LogPosition[];
  /** Anchor of the last event written, or null when nothing was written. */
  readonly lastAnchor: string | null;
  readonly duplicateMessageIds: readonly string[];
}

const UNIQUE_VIOLATION = '23505';

/**
 * Namespace of the per-stream advisory locks (the two-key form, so it cannot collide with
 * single-key locks such as the migration lock).
 */
export const STREAM_LOCK_NAMESPACE = 7_357_002;

/**
 * Appends within the caller's transaction. The stream row is the lock: `UPDATE … WHERE version =
 * expected` serialises writers of one stream and detects lost updates; the (stream_id,
 * stream_position) primary key is the backstop.
 */
export async function appendToStream(
  tx: SqlExecutor,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedVersion,
  options: AppendOptions = {},
): Promise<AppendResult> {
  // Take the stream's lock before anything writes. A transaction id is assigned at the first write,
  // and the global log is ordered by transaction id: if a writer got its id and then waited for the
  // stream row, it would commit later with a smaller id, and the log would show that stream's events
  // out of order (found by the 8-writer test). An advisory lock assigns no id, so ids of one stream's
  // writers follow their lock order. Callers of appendInTransaction must not write before this.
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STREAM_LOCK_NAMESPACE, streamId]);
  let toWrite = events;
  let duplicateMessageIds: string[] = [];
  if (options.skipDuplicateMessages) {
    const ids = events.map((e) => e.metadata.messageId);
    const existing = await tx.query<{ message_id: string }>(
      `SELECT message_id::text AS message_id FROM ws_events
        WHERE message_id = ANY($1::uuid[])`,
      [ids],
    );
    const seen = new Set(existing.rows.map((r) => r.message_id.toLowerCase()));
    duplicateMessageIds = ids.filter((id) => seen.has(id.toLowerCase()));
    toWrite = events.filter((e) => !seen.has(e.metadata.messageId.toLowerCase()));
    if (toWrite.length === 0) {
      // Every event is already stored: this is a retry of a committed append, so the version check
      // (which the first attempt passed) is not repeated.
      const version = await currentVersion(tx, streamId);
      return { nextExpectedVersion: version ?? 0n, positions: [], lastAnchor: null, duplicateMessageIds };
    }
  }

  const count = BigInt(toWrite.length);
  const nextVersion = await advanceStreamVersion(tx, streamId, expected, count);
  const firstPosition = nextVersion - count + 1n;
  const payload = toWrite.map((e) => ({
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
  }));
  let inserted;
  try {
    inserted = await tx.query<{ transaction_id: string; global_sequence: string; stream_position: string }>(
      `INSERT INTO ws_events (stream_id, stream_position, event_type, schema_version, data, metadata, message_id)
       SELECT $1, $2::bigint + e.ord - 1, e.value->>'type', (e.value->>'schemaVersion')::int,
              e.value->'data', e.value->'metadata', (e.value->'metadata'->>'messageId')::uuid
         FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.ord
       RETURNING transaction_id::text AS transaction_id, global_sequence::text AS global_sequence,
                 stream_position::text AS stream_position`,
      [streamId, firstPosition.toString(), JSON.stringify(payload)],
    );
  } catch (error) {
    if (isUniqueViolation(error, 'ws_events_message_id')) throw new DuplicateMessageError(streamId);
    throw error;
  }
  // Delivered at commit; wakes live subscribers in every process without waiting for their poll.
  await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, streamId.slice(0, 200)]);

  const positions = inserted.rows
    .sort((a, b) => (BigInt(a.stream_position) < BigInt(b.stream_position) ? -1 : 1))
    .map((r) => ({ transactionId: BigInt(r.transaction_id), sequence: BigInt(r.global_sequence) }));
  const last = positions[positions.length - 1];
  return {
    nextExpectedVersion: nextVersion,
    positions,
    lastAnchor: last ? encodeAnchor(last) : null,
    duplicateMessageIds,
  };
}

async function advanceStreamVersion(
  tx: SqlExecutor,
  streamId: string,
  expected: ExpectedVersion,
  count: bigint,
): Promise<bigint> {
  let rows: { version: string }[];
  if (expected === 'no-stream' || expected === 0n) {
    rows = (
      await tx.query<{ version: string }>(
        `INSERT INTO ws_streams (stream_id, version) VALUES ($1, $2::bigint)
         ON CONFLICT (stream_id) DO NOTHING RETURNING version::text AS version`,
        [streamId, count.toString()],
      )
    ).rows;
  } else if (expected === 'any') {
    rows = (
      await tx.query<{ version: string }>(
        `INSERT INTO ws_streams (stream_id, version) VALUES ($1, $2::bigint)
         ON CONFLICT (stream_id) DO UPDATE SET version = ws_streams.version + EXCLUDED.version, updated_at = now()
         RETURNING version::text AS version`,
        [streamId, count.toString()],
      )
    ).rows;
  } else if (expected === 'exists') {
    rows = (
      await tx.query<{ version: string }>(
        `UPDATE ws_streams SET version = version + $2::bigint, updated_at = now()
          WHERE stream_id = $1 RETURNING version::text AS version`,
        [streamId, count.toString()],
      )
    ).rows;
  } else {
    if (expected < 0n) throw new RangeError(`expected version must be >= 0, got ${expected}`);
    rows = (
      await tx.query<{ version: string }>(
        `UPDATE ws_streams SET version = version + $2::bigint, updated_at = now()
          WHERE stream_id = $1 AND version = $3::bigint RETURNING version::text AS version`,
        [streamId, count.toString(), expected.toString()],
      )
    ).rows;
  }
  const row = rows[0];
  if (!row) throw new StreamVersionConflictError(streamId, expected, await currentVersion(tx, streamId));
  return BigInt(row.version);
}

async function currentVersion(tx: SqlExecutor, streamId: string): Promise<bigint | null> {
  const result = await tx.query<{ version: string }>(
    'SELECT version::text AS version FROM ws_streams WHERE stream_id = $1',
    [streamId],
  );
  const row = result.rows[0];
  return row ? BigInt(row.version) : null;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: string; constraint?: string; message?: string };
  return e.code === UNIQUE_VIOLATION && (e.constraint === constraint || (e.message ?? '').includes(constraint));
}

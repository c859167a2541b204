import type { LogPosition } from '#contracts';
import { MAX_WINDOWS_CHECKPOINT } from '#contracts';
import { UnknownWireCheckpointError } from '../errors.js';
import { readHead } from '../read/read-all.js';
import type { SqlExecutor } from '../sql/sql-database.js';

export interface WireCheckpoint {
  readonly checkpoint: number;
  readonly position: LogPosition;
  readonly issuedAt: Date;
}

/**
 * Issues a small integer naming the current gap-safe head of the log, for peers (Windows servers)
 * that only accept `n,timestamp` anchors. Reuses the newest number when the head has not moved, so
 * polling peers do not grow the table.
 */
export async function issueWireCheckpoint(executor: SqlExecutor): Promise<WireCheckpoint> {
  const head = await readHead(executor);
  const last = (
    await executor.query<{ checkpoint: number; transaction_id: string; global_sequence: string; issued_at: Date }>(
      `SELECT checkpoint, transaction_id::text AS transaction_id, global_sequence::text AS global_sequence, issued_at
         FROM ws_wire_checkpoints ORDER BY checkpoint DESC LIMIT 1`,
    )
  ).rows[0];
  if (last && BigInt(last.transaction_id) === head.transactionId && BigInt(last.global_sequence) === head.sequence) {
    return { checkpoint: Number(last.checkpoint), position: head, issuedAt: new Date(last.issued_at) };
  }
  const row = (
    await executor.query<{ checkpoint: number; issued_at: Date }>(
      `INSERT INTO ws_wire_checkpoints (transaction_id, global_sequence) VALUES ($1::xid8, $2::bigint)
       RETURNING checkpoint, issued_at`,
      [head.transactionId.toString(), head.sequence.toString()],
    )
  ).rows[0];
  if (!row) throw new Error('wire checkpoint insert returned nothing');
  if (Number(row.checkpoint) > MAX_WINDOWS_CHECKPOINT) {
    throw new Error('wire checkpoints exhausted the 32-bit range Windows accepts');
  }
  return { checkpoint: Number(row.checkpoint), position: head, issuedAt: new Date(row.issued_at) };
}

export async function resolveWireCheckpoint(executor: SqlExecutor, checkpoint: number): Promise<LogPosition> {
  if (!Number.isInteger(checkpoint) || checkpoint < 1 || checkpoint > MAX_WINDOWS_CHECKPOINT) {
    throw new UnknownWireCheckpointError(checkpoint);
  }
  const row = (
    await executor.query<{ transaction_id: string; global_sequence: string }>(
      `SELECT transaction_id::text AS transaction_id, global_sequence::text AS global_sequence
         FROM ws_wire_checkpoints WHERE checkpoint = $1`,
      [checkpoint],
    )
  ).rows[0];
  if (!row) throw new UnknownWireCheckpointError(checkpoint);
  return { transactionId: BigInt(row.transaction_id), sequence: BigInt(row.global_sequence) };
}

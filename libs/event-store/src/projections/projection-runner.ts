import type { LogPosition } from '#contracts';
import { LOG_START } from '#contracts';
import { readAll } from '../read/read-all.js';
import type { SqlDatabase, SqlExecutor } from '../sql/sql-database.js';
import type { LogWakeSignal } from '../subscribe/log-wake-signal.js';
import type { Projection } from './projection.js';

export interface ProjectionRunnerOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Reports a failed batch; the runner retries it with backoff. */
  readonly onError?: (error: unknown, projection: string) => void;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Moves one projection along the log in batches. Each batch is one transaction that first locks the
 * projection's checkpoint row: that row lock makes one runner the owner at a time across processes,
 * and a second runner waiting on it re-reads the moved checkpoint once it gets the lock.
 */
export class ProjectionRunner {
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly wake: LogWakeSignal,
    readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  /** Applies at most one batch; returns how many events it applied. */
  async processBatch(): Promise<number> {
    const { projection } = this;
    const batchSize = this.options.batchSize ?? 500;
    return this.db.transaction(async (tx) => {
      const from = await lockCheckpoint(tx, projection.name);
      const batch = await readAll(tx, from, { limit: batchSize, eventTypes: projection.eventTypes });
      for (const event of batch.events) await projection.apply(tx, event);
      if (batch.events.length > 0) await saveCheckpoint(tx, projection.name, batch.position);
      return batch.events.length;
    });
  }

  /** Applies batches until the projection has reached the log's current end. */
  async catchUp(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    let total = 0;
    for (;;) {
      const applied = await this.processBatch();
      total += applied;
      if (applied < batchSize) return total;
    }
  }

  /** Empties the projection and sets its checkpoint back to zero, in one transaction; then catches up. */
  async rebuild(): Promise<number> {
    await this.db.transaction(async (tx) => {
      await lockCheckpoint(tx, this.projection.name);
      await this.projection.reset(tx);
      await saveCheckpoint(tx, this.projection.name, LOG_START);
    });
    return this.catchUp();
  }

  async checkpoint(): Promise<LogPosition> {
    const row = (
      await this.db.query<{ transaction_id: string; global_sequence: string }>(
        `SELECT transaction_id::text AS transaction_id, global_sequence::text AS global_sequence
           FROM ws_projection_checkpoints WHERE name = $1`,
        [this.projection.name],
      )
    ).rows[0];
    return row ? { transactionId: BigInt(row.transaction_id), sequence: BigInt(row.global_sequence) } : LOG_START;
  }

  /** Follows the log in the background until stop(). */
  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.follow(abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = null;
    this.abort = null;
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollIntervalMs = this.options.pollIntervalMs ?? 250;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const applied = await this.processBatch();
        failures = 0;
        if (applied < batchSize) await this.wake.wait(pollIntervalMs, signal);
      } catch (error) {
        failures += 1;
        this.options.onError?.(error, this.projection.name);
        await this.wake.wait(Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(failures, 9)), signal);
      }
    }
  }
}

async function lockCheckpoint(tx: SqlExecutor, name: string): Promise<LogPosition> {
  await tx.query('INSERT INTO ws_projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]);
  const row = (
    await tx.query<{ transaction_id: string; global_sequence: string }>(
      `SELECT transaction_id::text AS transaction_id, global_sequence::text AS global_sequence
         FROM ws_projection_checkpoints WHERE name = $1 FOR UPDATE`,
      [name],
    )
  ).rows[0];
  if (!row) throw new Error(`projection checkpoint ${name} vanished`);
  return { transactionId: BigInt(row.transaction_id), sequence: BigInt(row.global_sequence) };
}

async function saveCheckpoint(tx: SqlExecutor, name: string, position: LogPosition): Promise<void> {
  await tx.query(
    `UPDATE ws_projection_checkpoints
        SET transaction_id = $2::xid8, global_sequence = $3::bigint, updated_at = now()
      WHERE name = $1`,
    [name, position.transactionId.toString(), position.sequence.toString()],
  );
}

import type { LogPosition } from '#contracts';
import { compareLogPositions, LOG_START } from '#contracts';
import { readAll, type ReadAllResult } from '../read/read-all.js';
import type { SqlDatabase, SqlExecutor } from '../sql/sql-database.js';
import { FALLBACK_POLL_INTERVAL_MS } from '../subscribe/log-subscription.js';
import type { LogWakeSignal } from '../subscribe/log-wake-signal.js';
import type { Projection } from './projection.js';

export interface ProjectionRunnerOptions {
  readonly batchSize?: number;
  /** Longest wait between batches when nothing wakes the runner (default FALLBACK_POLL_INTERVAL_MS). */
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
  /**
   * What this runner last committed or saw: the checkpoint row's value, and how far past it the log
   * is known to hold none of the projection's events. Lets a wake-up with nothing to apply cost two
   * reads instead of a write transaction (the checkpoint row lock takes a transaction id), and lets
   * the next batch start past events of other types instead of re-reading them. Only trusted while
   * the row still holds `checkpoint`: another owner or a rebuild moving it sends us back to the row.
   */
  private known: { readonly checkpoint: LogPosition; readonly scanned: LogPosition } | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly wake: LogWakeSignal,
    readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  /** Batches of this runner in this process, one after the other (see processBatch). */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Applies at most one batch; returns how many events it applied. Calls on one runner (its live
   * loop and a command's own `catchUp()`) run one after the other: started together, both would probe
   * and read the same events before one of them took the checkpoint lock.
   */
  processBatch(): Promise<number> {
    const next = this.queue.then(() => this.applyBatch());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async applyBatch(): Promise<number> {
    const { projection } = this;
    const batchSize = this.options.batchSize ?? 500;
    const known = this.known;
    let probe: ReadAllResult | null = null;
    if (known !== null) {
      // Read-only probe: most appends carry none of this projection's events (every append wakes
      // every runner), and those must not cost a transaction or a checkpoint write.
      probe = await readAll(this.db, known.scanned, { limit: batchSize, eventTypes: projection.eventTypes });
      if (probe.events.length === 0) {
        if (compareLogPositions(probe.scannedTo, known.scanned) > 0) this.known = { checkpoint: known.checkpoint, scanned: probe.scannedTo };
        return 0;
      }
    }
    const outcome = await this.db.transaction(async (tx) => {
      const checkpoint = await lockCheckpoint(tx, projection.name);
      const current = this.known;
      const unmoved = current !== null && compareLogPositions(current.checkpoint, checkpoint) === 0;
      // The probe's events are the next ones to apply when nobody committed a batch since it was
      // based on the checkpoint (a committed batch always moves the row): no second read of them.
      const batch =
        probe !== null && known !== null && compareLogPositions(known.checkpoint, checkpoint) === 0
          ? probe
          : await readAll(tx, unmoved ? current.scanned : checkpoint, { limit: batchSize, eventTypes: projection.eventTypes });
      if (projection.applyBatch) {
        if (batch.events.length > 0) await projection.applyBatch(tx, batch.events);
      } else {
        for (const event of batch.events) await projection.apply(tx, event);
        if (batch.events.length > 0) await projection.endBatch?.(tx);
      }
      // A short batch applied every wanted event up to the head the read saw: the checkpoint can
      // move there, so a restart does not re-read the unwanted events in between.
      const reached = batch.events.length < batchSize ? batch.scannedTo : batch.position;
      if (batch.events.length > 0) await saveCheckpoint(tx, projection.name, reached);
      return { applied: batch.events.length, checkpoint: batch.events.length > 0 ? reached : checkpoint, scanned: reached };
    });
    // Only after the commit: a rolled-back batch leaves the runner where it was.
    this.known = { checkpoint: outcome.checkpoint, scanned: outcome.scanned };
    return outcome.applied;
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
    this.known = null;
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
    const pollIntervalMs = this.options.pollIntervalMs ?? FALLBACK_POLL_INTERVAL_MS;
    let failures = 0;
    while (!signal.aborted) {
      try {
        // Taken before the batch: a wake-up while it runs is not lost (see LogWakeSignal).
        const seen = this.wake.generation;
        const applied = await this.processBatch();
        failures = 0;
        if (applied < batchSize) await this.wake.wait(pollIntervalMs, signal, seen);
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

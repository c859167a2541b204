import type { RecordedEvent } from '#contracts';
import type { Migration } from '../migrations/migrations.js';
import type { SqlExecutor } from '../sql/sql-database.js';

/**
 * A read model kept in SQL tables. `apply` runs inside the same transaction that moves the
 * projection's checkpoint, so after a crash the state and the checkpoint agree: every event is
 * applied exactly once.
 */
export interface Projection {
  /** Unique, stable: the checkpoint is stored under it. */
  readonly name: string;
  /** Only these event types are read (all when absent). */
  readonly eventTypes?: readonly string[];
  /** Tables the projection owns. */
  readonly migrations?: readonly Migration[];
  apply(tx: SqlExecutor, event: RecordedEvent): Promise<void>;
  /**
   * Applies a whole batch, in log order, in the batch's transaction (before the checkpoint moves).
   * When present the runner calls it instead of `apply` per event and `endBatch`: lets a projection
   * write many events' rows with one statement per table instead of several per event. It must leave
   * the same tables as `apply` event by event.
   */
  applyBatch?(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Called once after the batch's events were applied, in the same transaction (before the
   * checkpoint moves): lets a projection write what it accumulated over the batch once, e.g.
   * counters many events touch, which updated per event would rewrite the same rows hundreds of times.
   */
  endBatch?(tx: SqlExecutor): Promise<void>;
  /** Empties the projection's tables before a rebuild from position zero. */
  reset(tx: SqlExecutor): Promise<void>;
}

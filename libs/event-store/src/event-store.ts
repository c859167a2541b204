import type { EventSchemaRegistry, LogPosition, NewEvent } from '#contracts';
import { compareLogPositions, encodeAnchor, LOG_START } from '#contracts';
import { type AppendOptions, type AppendResult, appendToStream, EVENTS_CHANNEL } from './append/append-to-stream.js';
import type { ExpectedVersion } from './append/expected-version.js';
import { migrate } from './migrations/migrate.js';
import { EVENT_STORE_MIGRATIONS, type Migration } from './migrations/migrations.js';
import type { Projection } from './projections/projection.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projections/projection-runner.js';
import { readAll, type ReadAllOptions, type ReadAllResult, readHead } from './read/read-all.js';
import { readStream, type ReadStreamOptions, type ReadStreamResult } from './read/read-stream.js';
import {
  countStreamEvents,
  deleteStreamEvents,
  findStreamsWithEventsBefore,
  type PrunableStreamQuery,
  type StreamEventSelection,
} from './prune/delete-stream-events.js';
import type { SqlDatabase, SqlExecutor } from './sql/sql-database.js';
import { LogSubscription, type SubscribeOptions } from './subscribe/log-subscription.js';
import { LogHeadWatcher } from './subscribe/log-head-watcher.js';
import { LogWakeSignal } from './subscribe/log-wake-signal.js';
import {
  issueWireCheckpoint,
  resolveWireCheckpoint,
  type WireCheckpoint,
} from './wire-checkpoints/wire-checkpoints.js';

export interface EventStoreOptions {
  readonly registry: EventSchemaRegistry;
  /** Extra migrations (projection tables) applied after the store's own. */
  readonly migrations?: readonly Migration[];
}

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;
export const MAX_EVENTS_PER_APPEND = 5000;

/**
 * The log: appends with optimistic concurrency, gap-safe reads of the whole log, stream reads,
 * catch-up-then-live subscriptions, projections and Windows wire checkpoints. One implementation
 * for PostgreSQL and PGlite.
 */
export class EventStore {
  private readonly wake = new LogWakeSignal();
  /** Wakes the followers when the head of the final events moves without a local append or NOTIFY. */
  private readonly headWatcher: LogHeadWatcher;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly subscriptions = new Set<LogSubscription>();
  private readonly runners = new Set<ProjectionRunner>();

  private constructor(
    readonly db: SqlDatabase,
    private readonly registry: EventSchemaRegistry,
  ) {
    this.headWatcher = new LogHeadWatcher(() => readHead(this.db), this.wake);
  }

  static async open(db: SqlDatabase, options: EventStoreOptions): Promise<EventStore> {
    await migrate(db, [...EVENT_STORE_MIGRATIONS, ...(options.migrations ?? [])]);
    const store = new EventStore(db, options.registry);
    store.unlisten = await db.listen(EVENTS_CHANNEL, () => store.wake.notify());
    store.headWatcher.start();
    return store;
  }

  /** Validates, then appends in one short transaction. */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    const validated = this.validate(streamId, events);
    const result = await this.db.transaction((tx) => appendToStream(tx, streamId, validated, expected, options));
    this.wake.notify();
    return result;
  }

  /**
   * Appends inside a caller's transaction, so a use case can write events and its own rows
   * atomically. The caller must call `notifyAppended()` after commit.
   */
  async appendInTransaction(
    tx: SqlExecutor,
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    return appendToStream(tx, streamId, this.validate(streamId, events), expected, options);
  }

  notifyAppended(): void {
    this.wake.notify();
  }

  readAll(after: LogPosition = LOG_START, options?: ReadAllOptions): Promise<ReadAllResult> {
    return readAll(this.db, after, options);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult> {
    return readStream(this.db, streamId, options);
  }

  /**
   * Retention: deletes the selected events of one stream in its own transaction (see
   * deleteStreamEvents: positions of the remaining events and the stream's version do not change).
   * A caller that must write a snapshot first does both in one transaction with
   * deleteStreamEventsInTransaction.
   */
  deleteStreamEvents(streamId: string, selection: StreamEventSelection): Promise<number> {
    return this.db.transaction((tx) => deleteStreamEvents(tx, streamId, selection));
  }

  deleteStreamEventsInTransaction(tx: SqlExecutor, streamId: string, selection: StreamEventSelection): Promise<number> {
    return deleteStreamEvents(tx, streamId, selection);
  }

  /** What deleteStreamEvents would delete now: for dry runs. */
  countStreamEvents(streamId: string, selection: StreamEventSelection): Promise<number> {
    return countStreamEvents(this.db, streamId, selection);
  }

  /** Streams holding events of these types older than the time: where a retention job has work. */
  findStreamsWithEventsBefore(query: PrunableStreamQuery): Promise<string[]> {
    return findStreamsWithEventsBefore(this.db, query);
  }

  head(): Promise<LogPosition> {
    return readHead(this.db);
  }

  /**
   * Waits until every event committed so far is final for readers (readAll returns it), i.e. until
   * older transactions still open elsewhere on the cluster have ended. For "I appended, now read
   * what I wrote" (tests, replies after an import); throws after timeoutMs.
   */
  async waitForVisibility(timeoutMs = 30_000): Promise<void> {
    const last = (
      await this.db.query<{ transaction_id: string; global_sequence: string }>(
        `SELECT e.transaction_id::text AS transaction_id, e.global_sequence::text AS global_sequence
           FROM ws_events e ORDER BY e.transaction_id DESC, e.global_sequence DESC LIMIT 1`,
      )
    ).rows[0];
    if (!last) return;
    const target = { transactionId: BigInt(last.transaction_id), sequence: BigInt(last.global_sequence) };
    const deadline = Date.now() + timeoutMs;
    while (compareLogPositions(await this.head(), target) < 0) {
      if (Date.now() > deadline) throw new Error(`events up to ${encodeAnchor(target)} did not become visible within ${timeoutMs} ms: an old transaction is open`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  subscribe(options: SubscribeOptions): LogSubscription {
    const subscription = new LogSubscription((after, filter) => readAll(this.db, after, filter), this.wake, options);
    this.subscriptions.add(subscription);
    void subscription.done.finally(() => this.subscriptions.delete(subscription)).catch(() => undefined);
    return subscription;
  }

  projectionRunner(projection: Projection, options?: ProjectionRunnerOptions): ProjectionRunner {
    const runner = new ProjectionRunner(this.db, this.wake, projection, options);
    this.runners.add(runner);
    return runner;
  }

  issueWireCheckpoint(): Promise<WireCheckpoint> {
    return issueWireCheckpoint(this.db);
  }

  resolveWireCheckpoint(checkpoint: number): Promise<LogPosition> {
    return resolveWireCheckpoint(this.db, checkpoint);
  }

  /** Stops subscriptions and projection runners (letting a batch in flight commit), then closes. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await Promise.all([...this.runners].map((r) => r.stop()));
    await this.headWatcher.stop();
    await this.unlisten?.();
    await this.db.close();
  }

  private validate(streamId: string, events: readonly NewEvent[]): NewEvent[] {
    if (!STREAM_ID.test(streamId)) throw new RangeError(`invalid stream id: ${JSON.stringify(streamId.slice(0, 80))}`);
    if (events.length === 0) throw new RangeError('append needs at least one event');
    if (events.length > MAX_EVENTS_PER_APPEND) {
      throw new RangeError(`at most ${MAX_EVENTS_PER_APPEND} events per append, got ${events.length}`);
    }
    return events.map((e) => this.registry.validate(e));
  }
}

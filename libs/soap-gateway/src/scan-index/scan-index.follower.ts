import { compareLogPositions, LOG_START, type LogPosition, type RecordedEvent } from '#contracts';
import type { EventStore, LogSubscription } from '#event-store';
import { evolveScanIndex } from './domain/scan-index.evolve.js';
import { SCAN_INDEX_EVENT_TYPES, toScanIndexEvent } from './domain/scan-index.events.js';
import { emptyScanIndexState } from './domain/scan-index.state.js';
import { ScanIndexView } from './domain/scan-index.view.js';

export interface ScanIndexFollowerOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Told about events the index cannot read (unknown schema version, bad data); they are skipped, never fatal. */
  readonly onSkipped?: (event: RecordedEvent, reason: string) => void;
  /** Told when following the log failed (store unreachable); the follower retries after `retryDelayMs`. */
  readonly onFailure?: (error: unknown, retryInMs: number) => void;
  /** First retry delay; doubles up to 30 s while the store keeps failing. */
  readonly retryDelayMs?: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Keeps one in-memory scan index per gateway process: replays the log from the start (catch-up),
 * then follows it live. Events are applied synchronously between awaits, so `read(fn)` with a
 * synchronous `fn` always sees one consistent snapshot. If reading the log fails (database down),
 * it keeps serving what it has and resumes after the last applied event once the store answers.
 */
export class ScanIndexFollower {
  private readonly state = emptyScanIndexState();
  private readonly view = new ScanIndexView(this.state);
  private subscription: LogSubscription | undefined;
  private store: Pick<EventStore, 'subscribe'> | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private markCaughtUp: () => void = () => undefined;
  private isCaughtUp = false;
  /**
   * Position of the last event delivered to the index, applied or skipped: a position another
   * gateway's anchor names may be one this index skipped, and it must still count as reached.
   */
  private delivered: LogPosition = LOG_START;
  private readonly positionWaiters = new Set<{ position: LogPosition; resolve: () => void }>();
  /** Resolves once the replay has reached the log's head the first time. */
  readonly caughtUp: Promise<void>;

  constructor(private readonly options: ScanIndexFollowerOptions = {}) {
    this.caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
    this.retryDelayMs = options.retryDelayMs ?? 1000;
  }

  start(store: Pick<EventStore, 'subscribe'>, from: LogPosition = LOG_START): void {
    if (this.store !== undefined) throw new Error('scan index follower already started');
    this.store = store;
    this.follow(from);
  }

  private follow(from: LogPosition): void {
    if (this.stopped || this.store === undefined) return;
    const subscription = this.store.subscribe({
      from,
      eventTypes: SCAN_INDEX_EVENT_TYPES,
      ...(this.options.batchSize === undefined ? {} : { batchSize: this.options.batchSize }),
      ...(this.options.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.options.pollIntervalMs }),
      handler: (event) => this.apply(event),
      onCaughtUp: () => {
        this.isCaughtUp = true;
        this.retryDelayMs = this.options.retryDelayMs ?? 1000;
        this.markCaughtUp();
      },
    });
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (error: unknown) => {
        if (this.stopped) return;
        const delay = this.retryDelayMs;
        this.retryDelayMs = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
        this.options.onFailure?.(error, delay);
        // Resume after the last applied event: evolve ignores anything at or before it anyway.
        this.retryTimer = setTimeout(() => this.follow(this.state.position), delay);
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.subscription?.stop();
  }

  get ready(): boolean {
    return this.isCaughtUp;
  }

  /** Waits for the first catch-up, at most `timeoutMs`; false when the index is still replaying. */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (this.isCaughtUp) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.caughtUp.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Waits until the index has taken in the log up to `position` (an anchor another gateway handed
   * the client), at most `timeoutMs`; false when it has not. A replica that lags the log must not
   * answer a client that already knows more than it does (it would call the client's newer
   * revisions out of scope).
   */
  async whenAt(position: LogPosition, timeoutMs: number): Promise<boolean> {
    if (this.reached(position)) return true;
    let timer: NodeJS.Timeout | undefined;
    let waiter: { position: LogPosition; resolve: () => void } | undefined;
    const reached = new Promise<boolean>((resolve) => {
      waiter = { position, resolve: () => resolve(true) };
      this.positionWaiters.add(waiter);
    });
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([reached, timeout]);
    } finally {
      clearTimeout(timer);
      if (waiter !== undefined) this.positionWaiters.delete(waiter);
    }
  }

  private reached(position: LogPosition): boolean {
    return compareLogPositions(this.delivered, position) >= 0 || compareLogPositions(this.state.position, position) >= 0;
  }

  /** Runs `read` against the current snapshot; `read` must be synchronous (see ScanIndexView). */
  read<T>(read: (view: ScanIndexView) => T): T {
    const version = this.view.version;
    const result = read(this.view);
    this.view.assertUnchanged(version);
    return result;
  }

  get anchor(): string {
    return this.view.anchor;
  }

  /** Exposed for tests and the status page. */
  get version(): number {
    return this.view.version;
  }

  private apply(recorded: RecordedEvent): void {
    this.take(recorded);
    if (compareLogPositions(recorded.position, this.delivered) > 0) this.delivered = recorded.position;
    for (const waiter of this.positionWaiters) {
      if (!this.reached(waiter.position)) continue;
      this.positionWaiters.delete(waiter);
      waiter.resolve();
    }
  }

  private take(recorded: RecordedEvent): void {
    const event = toScanIndexEvent(recorded);
    if (event === undefined) {
      this.options.onSkipped?.(recorded, `unsupported ${recorded.type}@${recorded.schemaVersion}`);
      return;
    }
    try {
      evolveScanIndex(this.state, event);
    } catch (error) {
      // One unreadable event must not stop every scan in the process; it is reported and skipped.
      this.options.onSkipped?.(recorded, error instanceof Error ? error.message : String(error));
    }
  }
}

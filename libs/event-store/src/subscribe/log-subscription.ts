import type { LogPosition, RecordedEvent } from '#contracts';
import { compareLogPositions, LOG_START } from '#contracts';
import type { LogFilter, ReadAllResult } from '../read/read-all.js';
import type { LogWakeSignal } from './log-wake-signal.js';

export interface SubscribeOptions extends LogFilter {
  /** Start after this position; LOG_START replays the whole log (catch-up), then follows it live. */
  readonly from?: LogPosition;
  readonly batchSize?: number;
  /** Longest wait between reads when nothing wakes us (default FALLBACK_POLL_INTERVAL_MS). */
  readonly pollIntervalMs?: number;
  /** Called for every event, in log order, one at a time; a throw stops the subscription. */
  readonly handler: (event: RecordedEvent) => Promise<void> | void;
  /** Called once the subscription has caught up with the log for the first time. */
  readonly onCaughtUp?: (position: LogPosition) => void;
}

export type ReadBatch = (after: LogPosition, filter: LogFilter & { limit: number }) => Promise<ReadAllResult>;

/**
 * A follower's own poll when nothing wakes it. Only a fallback: the store's head watcher
 * (LogHeadWatcher) wakes followers within HEAD_WATCH_INTERVAL_MS of a new final event, with one head
 * read for all of them; a dozen followers polling every 250 ms each cost an idle server 12–16 % of
 * a core on PGlite.
 */
export const FALLBACK_POLL_INTERVAL_MS = 5_000;

/** Catch-up, then live: one loop, since live is just catch-up that keeps finding nothing new. */
export class LogSubscription {
  private readonly abort = new AbortController();
  private current: LogPosition;
  /** Where the next read starts: `current`, or past it when the log after it held none of the wanted events. */
  private resumeFrom: LogPosition;
  readonly done: Promise<void>;

  constructor(
    private readonly readBatch: ReadBatch,
    private readonly wake: LogWakeSignal,
    private readonly options: SubscribeOptions,
  ) {
    this.current = options.from ?? LOG_START;
    this.resumeFrom = this.current;
    this.done = this.run();
    // The caller observes failures through `done`; keep an unobserved rejection from crashing Node.
    this.done.catch(() => undefined);
  }

  /** The position of the last event delivered. */
  get position(): LogPosition {
    return this.current;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollIntervalMs = this.options.pollIntervalMs ?? FALLBACK_POLL_INTERVAL_MS;
    let caughtUp = false;
    while (!this.abort.signal.aborted) {
      // Taken before the read: a wake-up during the read or the handlers is not lost (see LogWakeSignal).
      const seen = this.wake.generation;
      const batch = await this.readBatch(this.resumeFrom, {
        limit: batchSize,
        eventTypes: this.options.eventTypes,
        streamPrefix: this.options.streamPrefix,
      });
      for (const event of batch.events) {
        if (this.abort.signal.aborted) return;
        await this.options.handler(event);
        this.current = event.position;
        this.resumeFrom = event.position;
      }
      if (batch.events.length < batchSize) {
        if (compareLogPositions(batch.scannedTo, this.resumeFrom) > 0) this.resumeFrom = batch.scannedTo;
        if (!caughtUp) {
          caughtUp = true;
          this.options.onCaughtUp?.(this.current);
        }
        await this.wake.wait(pollIntervalMs, this.abort.signal, seen);
      }
    }
  }
}

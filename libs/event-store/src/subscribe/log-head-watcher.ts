import { compareLogPositions, type LogPosition } from '#contracts';
import type { LogWakeSignal } from './log-wake-signal.js';

/**
 * How often the store looks for events no local append or NOTIFY announced (another process's
 * append without NOTIFY, an event that became final when an older transaction ended): the delay
 * the followers' own 250 ms polls used to bound.
 */
export const HEAD_WATCH_INTERVAL_MS = 250;

/**
 * One head read per interval for the whole store instead of one filtered read per follower per
 * interval: an idle all-in-one server has a dozen followers (projection runners, the scan index,
 * the configuration view…), and their polls kept PGlite busy 12–16 % of a core with nothing
 * happening (docs/benchmarks.md, "Rescans at 10k, third pass").
 *
 * Why a head read is enough: every event at or before the head of the final events is final, and
 * an event that becomes final later has a transaction id at or above the xmin the earlier head was
 * read under, so it moves the head strictly forward. A head that has not moved means no follower
 * has anything new to read; one that moved wakes them all (as an append does), and each reads from
 * where it is. Followers keep a slow fallback poll of their own in case a head read fails.
 */
export class LogHeadWatcher {
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;
  private lastHead: LogPosition | null = null;
  private stopped = false;

  constructor(
    private readonly readHead: () => Promise<LogPosition>,
    private readonly wake: LogWakeSignal,
    private readonly intervalMs = HEAD_WATCH_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer === null && !this.stopped) this.schedule();
  }

  /** Stops the timer and waits for a head read in flight, so the database can be closed after. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.probing;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.probing = this.probe().finally(() => {
        this.probing = null;
        this.schedule();
      });
    }, this.intervalMs);
    // The watcher alone must not keep a process alive (a CLI run, a test that forgot to close).
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    // Nobody waiting: every follower is reading or applying and will read past the head anyway.
    if (!this.wake.hasWaiters) return;
    let head: LogPosition;
    try {
      head = await this.readHead();
    } catch {
      // A transient failure (or the store closing): the followers' fallback polls cover the gap.
      return;
    }
    if (this.lastHead === null || compareLogPositions(head, this.lastHead) !== 0) {
      this.lastHead = head;
      this.wake.notify();
    }
  }
}

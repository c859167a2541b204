/**
 * Wakes log followers when something may have been appended: by a local append, a NOTIFY from
 * another process, or the store's head watcher (LogHeadWatcher) seeing the head of the final events
 * move. The watcher is needed anyway: a notified event may still be hidden behind an older open
 * transaction and only become readable later.
 *
 * `generation` counts notifications. A follower takes it before a read and passes it to `wait`, so a
 * notification that arrives while it is reading or applying is not lost: the wait then returns at
 * once instead of sleeping until its timeout.
 */
export class LogWakeSignal {
  private waiters = new Set<() => void>();
  private notifications = 0;

  get generation(): number {
    return this.notifications;
  }

  /** Whether some follower is waiting (has read everything it could): when nobody is, nobody needs waking. */
  get hasWaiters(): boolean {
    return this.waiters.size > 0;
  }

  notify(): void {
    this.notifications += 1;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves on the next notify, after timeoutMs, or when the abort signal fires; at once when a
   * notify came after `seenGeneration` (the generation taken before the caller's last read).
   */
  wait(timeoutMs: number, abort?: AbortSignal, seenGeneration?: number): Promise<void> {
    return new Promise((resolve) => {
      if (abort?.aborted || (seenGeneration !== undefined && seenGeneration !== this.notifications)) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        abort?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort?.addEventListener('abort', done, { once: true });
    });
  }
}

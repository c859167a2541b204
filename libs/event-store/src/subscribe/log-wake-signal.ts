/**
 * Wakes log followers when something may have been appended: by a local append, a NOTIFY from
 * another process, or, as the safety net, a poll timer. The poll is needed anyway: a notified event
 * may still be hidden behind an older open transaction and only become readable later.
 */
export class LogWakeSignal {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify, after timeoutMs, or when the abort signal fires. */
  wait(timeoutMs: number, abort?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (abort?.aborted) return resolve();
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

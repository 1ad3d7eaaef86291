/**
 * Wakes the subscriptions of one adapter instance when it commits an append, so that live
 * events reach them at once instead of at the next poll. Appends made by other processes are
 * only seen by polling.
 */
export class AppendSignal {
  private readonly waiters = new Set<() => void>();

  /** Resolves on the next append, after `timeoutMs`, or when `abort` is called. */
  wait(timeoutMs: number): { done: Promise<void>; abort: () => void } {
    let wake!: () => void;
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake(), timeoutMs);
      wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
    });
    this.waiters.add(wake);
    return { done, abort: wake };
  }

  notify(): void {
    if (this.waiters.size === 0) return;
    for (const wake of [...this.waiters]) wake();
  }
}

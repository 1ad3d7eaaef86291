/**
 * Runs tasks on a fixed set of workers (browser tabs), where tasks may add more tasks: the
 * tab reading the Employees pages and the tab reading asset lists work at the same time,
 * and whichever finishes first helps with the asset pages.
 */
export class WorkPool<W> {
  private readonly queue: ((worker: W) => Promise<void>)[] = [];
  private running = 0;
  private failure: { error: unknown; worker: W } | undefined;
  private wake: (() => void)[] = [];

  add(task: (worker: W) => Promise<void>): void {
    this.queue.push(task);
    this.notify();
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const w of waiting) w();
  }

  /** Resolves when every task (including added ones) is done; rejects with the first failure. */
  async run(workers: readonly W[]): Promise<void> {
    await Promise.all(workers.map((w) => this.loop(w)));
    if (this.failure) throw this.failure.error;
  }

  /** The worker whose task failed first, to collect evidence from its tab. */
  get failedWorker(): W | undefined {
    return this.failure?.worker;
  }

  private async loop(worker: W): Promise<void> {
    for (;;) {
      if (this.failure) return;
      const task = this.queue.shift();
      if (!task) {
        if (this.running === 0) {
          this.notify();
          return;
        }
        // Another worker's task may still add work.
        await new Promise<void>((resolve) => this.wake.push(resolve));
        continue;
      }
      this.running += 1;
      try {
        await task(worker);
      } catch (e) {
        this.failure ??= { error: e, worker };
      } finally {
        this.running -= 1;
        this.notify();
      }
    }
  }
}

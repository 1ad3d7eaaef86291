/** Bounds how many browser pages the gateway drives at once; waiters are served in order. */
export class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a whole number ≥ 1, got ${capacity}`);
    }
    this.available = capacity;
  }

  get free(): number {
    return this.available;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Takes a slot only if one is free now. */
  tryAcquire(): boolean {
    if (this.available === 0) return false;
    this.available -= 1;
    return true;
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available = Math.min(this.capacity, this.available + 1);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

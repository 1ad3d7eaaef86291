/**
 * Whole answers (JSON texts) kept while the read models they were built from stay put: each
 * entry belongs to one `at` (the checkpoints of the projections that own those read models),
 * and an answer read at another `at` starts a new, empty generation. Bounded by the answers'
 * sizes (characters of a text, bytes of a kept answer), least recently used first out.
 */
export class PageCache<T = string> {
  private at: string | null = null;
  private entries = new Map<string, T>();
  private chars = 0;

  constructor(
    private readonly maxChars: number,
    private readonly sizeOf: (answer: T) => number = (answer) => String(answer).length,
  ) {}

  get enabled(): boolean {
    return this.maxChars > 0;
  }

  /**
   * The answer for `key` at `at`, built by `build` when missing. `at` must be read before
   * `build` reads anything, so that an entry is never older than its generation.
   */
  async get(at: string, key: string, build: () => Promise<T>): Promise<T> {
    if (at !== this.at) this.reset(at);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const entries = this.entries;
    const text = await build();
    const size = this.sizeOf(text);
    // A newer generation began meanwhile: this answer may already be out of date there.
    if (entries !== this.entries || size > this.maxChars) return text;
    this.entries.set(key, text);
    this.chars += size;
    for (const [oldest, value] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= this.sizeOf(value);
    }
    return text;
  }

  private reset(at: string): void {
    this.at = at;
    this.entries = new Map();
    this.chars = 0;
  }
}

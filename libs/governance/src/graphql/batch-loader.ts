/**
 * Per-request batching of per-row lookups (a page's matched identities, a task list's
 * integrations): every `load` of one tick is answered by one call of `batch`, so that a page
 * costs a bounded number of store reads whatever its length. A loader lives as long as its
 * request (see `loaderFor`), so its cache never outlives what the request may see.
 */
export class BatchLoader<V> {
  private readonly cache = new Map<string, Promise<V | null>>();
  private queue: { key: string; resolve(value: V | null): void; reject(error: unknown): void }[] =
    [];

  constructor(private readonly batch: (keys: string[]) => Promise<ReadonlyMap<string, V>>) {}

  load(key: string): Promise<V | null> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const promise = new Promise<V | null>((resolve, reject) => {
      if (this.queue.length === 0) {
        // After every resolver of the current list has asked (they ask in microtasks).
        setImmediate(() => void this.dispatch());
      }
      this.queue.push({ key, resolve, reject });
    });
    this.cache.set(key, promise);
    return promise;
  }

  private async dispatch(): Promise<void> {
    const queue = this.queue;
    this.queue = [];
    try {
      const found = await this.batch([...new Set(queue.map((q) => q.key))]);
      for (const q of queue) q.resolve(found.get(q.key) ?? null);
    } catch (error) {
      for (const q of queue) q.reject(error);
    }
  }
}

const loaders = new WeakMap<object, Map<string, BatchLoader<unknown>>>();

/** The request's loader named `name`, made on first use. */
export function loaderFor<V>(
  request: object,
  name: string,
  batch: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
): BatchLoader<V> {
  let byName = loaders.get(request);
  if (!byName) loaders.set(request, (byName = new Map()));
  let loader = byName.get(name) as BatchLoader<V> | undefined;
  if (!loader) byName.set(name, (loader = new BatchLoader(batch)) as BatchLoader<unknown>);
  return loader;
}

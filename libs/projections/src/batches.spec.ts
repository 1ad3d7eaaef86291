import { batches } from './batches';

async function* ready(n: number): AsyncIterable<number> {
  for (let i = 0; i < n; i += 1) yield i;
}

async function* trickle(values: number[], gapMs: number): AsyncIterable<number> {
  for (const v of values) {
    await new Promise((r) => setTimeout(r, gapMs));
    yield v;
  }
}

async function collect<T>(source: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const b of source) out.push(b);
  return out;
}

describe('batches', () => {
  it('given events that are all ready, when batched, then batches are full up to maxSize', async () => {
    const result = await collect(batches(ready(2500), 1000));
    expect(result.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(result.flat()).toEqual([...Array(2500).keys()]);
  });

  it('given events arriving slowly, when batched, then each is delivered without waiting for more', async () => {
    const result = await collect(batches(trickle([1, 2, 3], 20), 1000));
    expect(result).toEqual([[1], [2], [3]]);
  });

  it('given an empty source, when batched, then no batch', async () => {
    expect(await collect(batches(ready(0), 10))).toEqual([]);
  });
});

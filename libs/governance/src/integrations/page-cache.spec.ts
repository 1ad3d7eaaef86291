import { PageCache } from './page-cache';

/** A builder that says how often it ran. */
function builder(text: string) {
  const calls = { n: 0 };
  return { calls, build: async () => (calls.n++, text) };
}

describe('the page cache', () => {
  it('given a page built at a position, when asked again there, then it is not built again', async () => {
    const cache = new PageCache(1000);
    const page = builder('{"a":1}');
    expect(await cache.get('p1', 'k', page.build)).toBe('{"a":1}');
    expect(await cache.get('p1', 'k', page.build)).toBe('{"a":1}');
    expect(page.calls.n).toBe(1);
  });

  it('given a page built at a position, when the position moves, then it is built again', async () => {
    const cache = new PageCache(1000);
    await cache.get('p1', 'k', builder('old').build);
    const fresh = builder('new');
    expect(await cache.get('p2', 'k', fresh.build)).toBe('new');
    expect(fresh.calls.n).toBe(1);
  });

  it('given a position that moves while a page is built, then that page is not kept', async () => {
    const cache = new PageCache(1000);
    let release: () => void = () => undefined;
    const slow = cache.get(
      'p1',
      'k',
      () => new Promise<string>((r) => (release = () => r('p1 page'))),
    );
    await cache.get('p2', 'other', builder('p2 page').build);
    release();
    expect(await slow).toBe('p1 page');
    const again = builder('p1 page, rebuilt');
    expect(await cache.get('p1', 'k', again.build)).toBe('p1 page, rebuilt');
    expect(again.calls.n).toBe(1);
  });

  it('given more characters than its bound, then the least recently used pages go first', async () => {
    const cache = new PageCache(10);
    await cache.get('p', 'a', builder('aaaa').build);
    await cache.get('p', 'b', builder('bbbb').build);
    await cache.get('p', 'a', builder('unused').build); // a is now the most recent
    await cache.get('p', 'c', builder('cccc').build); // 12 characters: b goes
    const a = builder('a again');
    const b = builder('b again');
    expect(await cache.get('p', 'a', a.build)).toBe('aaaa');
    expect(await cache.get('p', 'b', b.build)).toBe('b again');
    expect([a.calls.n, b.calls.n]).toEqual([0, 1]);
  });

  it('given a bound of 0, then it is disabled', () => {
    expect(new PageCache(0).enabled).toBe(false);
    expect(new PageCache(1).enabled).toBe(true);
  });
});

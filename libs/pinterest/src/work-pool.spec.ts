import { WorkPool } from './work-pool';

describe('WorkPool', () => {
  const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

  it('runs tasks that other tasks add, spread over every worker', async () => {
    // given a pool whose first task adds ten more
    const pool = new WorkPool<string>();
    const ranBy = new Map<number, string>();
    pool.add(async () => {
      for (let i = 0; i < 10; i++) {
        pool.add(async (w) => {
          await tick();
          ranBy.set(i, w);
        });
      }
    });

    // when two workers run it
    await pool.run(['a', 'b']);

    // then every added task ran, and both workers took part
    expect([...ranBy.keys()].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(ranBy.values())).toEqual(new Set(['a', 'b']));
  });

  it('stops taking tasks after a failure and reports it with the worker', async () => {
    // given a failing task ahead of many others
    const pool = new WorkPool<string>();
    let after = 0;
    pool.add(async () => {
      await tick();
      throw new Error('boom');
    });
    for (let i = 0; i < 20; i++) {
      pool.add(async () => {
        await tick();
        after += 1;
      });
    }

    // when one worker runs them
    const run = pool.run(['only']);

    // then the run fails with that error and the rest were not started
    await expect(run).rejects.toThrow('boom');
    expect(after).toBe(0);
    expect(pool.failedWorker).toBe('only');
  });

  it('finishes at once when there is nothing to do', async () => {
    await expect(new WorkPool<number>().run([1, 2])).resolves.toBeUndefined();
  });
});

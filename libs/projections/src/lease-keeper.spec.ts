import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadModelStore, type LeaseHolder, type ReadModelStore } from '@app/readmodels';
import { LeaseKeeper, leaseHolder, type LeasedWorker, WORKER_LEASE } from './lease-keeper';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker that records whether it runs. */
function worker(name: string, log: string[]): LeasedWorker {
  return {
    name,
    start: () => void log.push(`start ${name}`),
    stop: () => void log.push(`stop ${name}`),
  };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('LeaseKeeper: the workers run in one process at a time (real SQLite store shared by two processes)', () => {
  let dir: string;
  let first: ReadModelStore;
  let second: ReadModelStore;
  const keepers: LeaseKeeper[] = [];
  const fast = { ttlMs: 600, renewMs: 100 };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lease-keeper-'));
    first = await createReadModelStore({ dataDir: dir });
    second = await createReadModelStore({ dataDir: dir });
  });

  afterEach(async () => {
    for (const keeper of keepers.splice(0)) await keeper.stop();
    await first.close();
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keeper = (
    store: ReadModelStore,
    log: string[],
    holder: LeaseHolder = leaseHolder('worker'),
  ) => {
    const k = new LeaseKeeper(
      store.leases,
      holder,
      () => [worker('projections', log), worker('sagas', log)],
      fast,
    );
    keepers.push(k);
    return k;
  };

  it('given two workers, when both start, then only the first runs; when it stops, the second takes over', async () => {
    // given
    const logA: string[] = [];
    const logB: string[] = [];
    const a = keeper(first, logA);
    const b = keeper(second, logB);
    // when
    await a.start();
    await b.start();
    await sleep(300);
    // then
    expect(logA).toEqual(['start projections', 'start sagas']);
    expect(logB).toEqual([]);
    expect((await second.leases.get(WORKER_LEASE))?.holder.id).toBe(a.holder.id);
    // when the first shuts down (it releases the lease)
    await a.stop();
    await until(() => b.isRunning);
    // then
    expect(logA).toEqual(['start projections', 'start sagas', 'stop sagas', 'stop projections']);
    expect(logB).toEqual(['start projections', 'start sagas']);
  });

  it('given a lease another process holds and stops renewing, when it expires, then this one starts', async () => {
    // given a holder elsewhere that beat once
    const elsewhere = { id: 'elsewhere', host: 'other-host', pid: 7, role: 'worker' };
    expect((await first.leases.acquire(WORKER_LEASE, elsewhere, 500)).held).toBe(true);
    const log: string[] = [];
    const b = keeper(second, log);
    // when
    await b.start();
    // then not before it expires, and soon after
    expect(log).toEqual([]);
    await until(() => b.isRunning);
    expect(log).toEqual(['start projections', 'start sagas']);
    expect((await first.leases.get(WORKER_LEASE))?.holder.id).toBe(b.holder.id);
  });

  it('given a live lease of a process of this host that no longer exists (kill -9), then a restart takes it at once', async () => {
    // given a pid that existed and is gone
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(gone.stdout.toString());
    const dead = { id: 'killed', host: hostname(), pid, role: 'all' };
    await first.leases.acquire(WORKER_LEASE, dead, 60_000);
    const log: string[] = [];
    // when
    await keeper(second, log).start();
    // then
    expect(log).toEqual(['start projections', 'start sagas']);
  });

  it('given a running worker whose lease is taken from it, then it stops its workers at its next beat', async () => {
    // given
    const log: string[] = [];
    const a = keeper(first, log);
    await a.start();
    // when another takes the lease (as if this process had been cut off past its expiry)
    const thief = { id: 'thief', host: 'other-host', pid: 9, role: 'worker' };
    expect(
      (await second.leases.acquire(WORKER_LEASE, thief, 60_000, { replacing: a.holder.id })).held,
    ).toBe(true);
    await until(() => !a.isRunning);
    // then
    expect(log).toEqual(['start projections', 'start sagas', 'stop sagas', 'stop projections']);
  });

  it('given workers slow to start (longer than the lease lives), then the beats go on and no other process takes over', async () => {
    // given workers that take 1.2 s to start, under a 600 ms lease
    const log: string[] = [];
    const slow: LeasedWorker = {
      name: 'slow',
      start: async () => {
        await sleep(1200);
        log.push('started');
      },
      stop: () => void log.push('stopped'),
    };
    const a = new LeaseKeeper(first.leases, leaseHolder('worker'), () => [slow], fast);
    keepers.push(a);
    const logB: string[] = [];
    const b = keeper(second, logB);
    // when both start, the first one first
    const starting = a.start();
    await sleep(50);
    await b.start();
    await starting;
    await sleep(300);
    // then the first runs and the second never did
    expect(log).toEqual(['started']);
    expect(logB).toEqual([]);
    expect((await second.leases.get(WORKER_LEASE))?.holder.id).toBe(a.holder.id);
  });

  it('given workers that fail to start, then start throws and the lease is given back', async () => {
    const failing: LeasedWorker = {
      name: 'failing',
      start: () => Promise.reject(new Error('cannot start')),
      stop: () => undefined,
    };
    const a = new LeaseKeeper(first.leases, leaseHolder('worker'), () => [failing], fast);
    await expect(a.start()).rejects.toThrow('cannot start');
    const log: string[] = [];
    await keeper(second, log).start();
    expect(log).toEqual(['start projections', 'start sagas']);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, type EventStore } from '@app/eventstore';
import { ProjectionRunner, streamsProjection, WORKER_LEASE } from '@app/projections';
import { createReadModelStore, type ReadModelStore } from '@app/readmodels';
import { projectionsStatusCommand } from './projections.command';

describe('projections status says whether the service runs the projections (real SQLite stores)', () => {
  let dir: string;
  let events: EventStore;
  let readModels: ReadModelStore;
  let runner: ProjectionRunner;
  const worker = { id: 'w-7', host: 'worker-7', pid: 4242, role: 'worker' };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-status-'));
    events = createEventStore({ dataDir: dir });
    readModels = await createReadModelStore({ dataDir: dir });
    runner = new ProjectionRunner(events, readModels, [streamsProjection]);
  });

  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = async (): Promise<Record<string, unknown>[]> => {
    const lines: string[] = [];
    expect(await projectionsStatusCommand(runner, readModels.leases, (l) => lines.push(l))).toBe(0);
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('given the worker lease held by another process, then each projection is running there, with its last beat', async () => {
    // given
    const { lease } = await readModels.leases.acquire(WORKER_LEASE, worker, 60_000);
    // when
    const [line] = await status();
    // then
    expect(line).toMatchObject({
      name: 'streams',
      state: 'running',
      runner: {
        host: 'worker-7',
        pid: 4242,
        role: 'worker',
        since: lease.acquiredAt,
        lastBeat: lease.renewedAt,
        expiresAt: lease.expiresAt,
      },
    });
  });

  it('given a holder that stopped beating, then stopped, naming the last holder', async () => {
    await readModels.leases.acquire(WORKER_LEASE, worker, 50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [line] = await status();
    expect(line).toMatchObject({ state: 'stopped', runner: { host: 'worker-7', pid: 4242 } });
  });

  it('given no lease ever taken, then stopped with no runner', async () => {
    const [line] = await status();
    expect(line).toMatchObject({ name: 'streams', state: 'stopped', runner: null });
  });
});

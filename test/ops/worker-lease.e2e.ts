import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { WorkerLease } from '@app/infrastructure';
import { WORKER_LEASE } from '@app/projections';
import { createReadModelStore } from '@app/readmodels';
import { demoFixture, type RunningSimulator, startSimulator } from '@app/simulator';
import { createApp } from '../../apps/api/src/bootstrap';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

interface StatusLine {
  name: string;
  state: string;
  runner: { host: string; pid: number; role: string; lastBeat: string; since: string } | null;
}

/** `npm run cli -- projections status`, as an operator runs it, in its own process. */
async function cliStatus(dataDir: string): Promise<StatusLine[]> {
  const { stdout } = await run(
    process.execPath,
    [
      '-r',
      join(ROOT, 'tools/register.js'),
      join(ROOT, 'apps/cli/src/main.ts'),
      'projections',
      'status',
    ],
    { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '' } },
  );
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as StatusLine);
}

/** The detailed status (GET /api/status), where the workers' lease is shown. */
async function health(app: INestApplication): Promise<{ workers: Record<string, unknown> }> {
  const { port } = app.getHttpServer().address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/api/status`, {
    headers: { authorization: 'Bearer test-admin-key-0123456789' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { workers: Record<string, unknown> };
}

/** The service in this process over `dataDir`, as `npm start` runs it (SERVICE_ROLE=all). */
async function startApp(dataDir: string, sim: RunningSimulator): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    PORT: '0',
    PINTEREST_BASE_URL: sim.url,
    ADMIN_API_KEY: 'test-admin-key-0123456789',
    SCIM_TOKEN: 'test-scim-token-0123456789',
    EVENTSTORE_URL: '',
    MONGO_URL: '',
    SERVICE_ROLE: 'all',
    LOG_LEVEL: 'error',
  });
  try {
    return await createApp();
  } finally {
    process.env = saved;
  }
}

describe('the worker lease: one process runs the projections and sagas, and the CLI says which', () => {
  let dataDir: string;
  let sim: RunningSimulator;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'worker-lease-'));
    sim = await startSimulator({ fixture: demoFixture() });
  });

  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('given no service, then projections status says stopped with no runner', async () => {
    const lines = await cliStatus(dataDir);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ state: 'stopped', runner: null });
  });

  it('given a running service, then it holds the lease and projections status names it as running', async () => {
    // given
    const first = await startApp(dataDir, sim);
    apps.push(first);
    expect(first.get(WorkerLease).keeper?.isRunning).toBe(true);
    // when
    const lines = await cliStatus(dataDir);
    // then
    for (const line of lines) {
      expect(line.state).toBe('running');
      expect(line.runner).toMatchObject({ host: hostname(), pid: process.pid, role: 'all' });
      expect(Date.now() - Date.parse(line.runner?.lastBeat ?? '')).toBeLessThan(15_000);
    }
  });

  it('given a second service on the same store, then it runs no workers while the first holds the lease', async () => {
    const second = await startApp(dataDir, sim);
    apps.push(second);
    expect(second.get(WorkerLease).keeper?.isRunning).toBe(false);
    expect(apps[0].get(WorkerLease).keeper?.isRunning).toBe(true);
    expect((await health(second)).workers).toMatchObject({
      running: true,
      here: false,
      runner: { pid: process.pid, role: 'all' },
    });
    expect((await health(apps[0])).workers).toMatchObject({ running: true, here: true });
    const store = await createReadModelStore({ dataDir });
    try {
      expect((await store.leases.get(WORKER_LEASE))?.holder.id).toBe(
        apps[0].get(WorkerLease).keeper?.holder.id,
      );
    } finally {
      await store.close();
    }
  });

  it('given every service stopped, then projections status says stopped and shows the last holder', async () => {
    for (const app of apps.splice(0)) await app.close();
    const lines = await cliStatus(dataDir);
    for (const line of lines) {
      expect(line.state).toBe('stopped');
      expect(line.runner).toMatchObject({ pid: process.pid, role: 'all' });
    }
  });
});

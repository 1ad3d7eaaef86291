import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoFixture, type RunningSimulator, startSimulator } from '@app/simulator';
import { cli, cliEvents, ServiceProcess, sleep } from '../actions/service-process';

/**
 * Production's shape: an `api` process that runs no projection and a `worker` that runs them
 * all, on one data directory. A workspace created by the CLI (a third process) is projected
 * by the worker and accepted by the api process within 2 s.
 */
describe('a workspace created by the CLI while an api and a worker process run', () => {
  let dataDir: string;
  let sim: RunningSimulator;
  let api: ServiceProcess;
  let worker: ServiceProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'workspaces-split-'));
    sim = await startSimulator({ fixture: demoFixture() });
    const options = { dataDir, pinterestBaseUrl: sim.url };
    worker = await ServiceProcess.start({ ...options, env: { SERVICE_ROLE: 'worker' } }, 180_000);
    api = await ServiceProcess.start({ ...options, env: { SERVICE_ROLE: 'api' } }, 180_000);
  }, 400_000);

  afterAll(async () => {
    await ServiceProcess.killAll();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('given both running, when `workspaces create` prints its key and token, then the api process accepts both within 2 s', async () => {
    // when
    const created = await cli(dataDir, ['workspaces', 'create', '--name', 'Split B']);
    const exitedAt = Date.now();
    expect(created.status).toBe(0);
    const { adminKey, scimToken } = JSON.parse(created.stdout) as {
      adminKey: string;
      scimToken: string;
    };

    // then
    const waitFor = async (path: string, token: string): Promise<number> => {
      for (;;) {
        const res = await fetch(api.url + path, { headers: { authorization: `Bearer ${token}` } });
        if (res.status === 200) return Date.now() - exitedAt;
        expect(res.status).toBe(401);
        if (Date.now() - exitedAt > 10_000) return Infinity;
        await sleep(25);
      }
    };
    expect(await waitFor('/api/integrations', adminKey)).toBeLessThan(2_000);
    expect(await waitFor('/scim/v2/Users', scimToken)).toBeLessThan(2_000);
  }, 120_000);

  it('given an api process that runs no projection, when an erasure is sent to it, then 409 names why and nothing is recorded; the worker accepts it', async () => {
    // when
    const refused = await api.api<{ details?: { reason?: string } }>('POST', '/api/people/erase', {
      email: 'nobody.split@acme.example',
      reason: 'erasure request 42',
    });

    // then
    expect(refused.status).toBe(409);
    expect(refused.body.details?.reason).toBe('projections_elsewhere');
    expect(await cliEvents(dataDir, 'person')).toEqual([]);
    const accepted = await worker.api('POST', '/api/people/erase', {
      email: 'nobody.split@acme.example',
      reason: 'erasure request 42',
    });
    expect(accepted.status).toBe(200);
    expect((await cliEvents(dataDir, 'person')).map((e) => e.type)).toEqual(['PersonErased']);
  }, 120_000);

  it('given a worker running on the data directory, when `migrate encrypt-personal-data` runs, then it refuses, naming the worker, and touches no file', async () => {
    // given
    const before = readdirSync(dataDir).sort();

    // when
    const migrated = await cli(dataDir, ['migrate', 'encrypt-personal-data']);

    // then
    expect(migrated.status).toBe(2);
    expect(migrated.stderr).toMatch(
      /the service is running on this data directory .*stop it first/,
    );
    expect(readdirSync(dataDir).sort()).toEqual(before);
    expect((await worker.api('GET', '/api/integrations')).status).toBe(200);
  }, 120_000);
});

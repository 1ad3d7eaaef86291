import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { PEPPER_FILE } from '@app/governance';
import { demoFixture, type RunningSimulator, startSimulator } from '@app/simulator';
import { createApp, listeningUrl } from '../../apps/api/src/bootstrap';
import { ADMIN_KEY, ServiceProcess } from '../actions/service-process';
import { eventually } from '../support/service-harness';

const KEY_B = 'second-admin-key-0123456789';

/** The service in this process over `dataDir` (the child is the other process on it). */
async function startHere(
  dataDir: string,
  sim: RunningSimulator,
  adminKey: string,
): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    PORT: '0',
    PINTEREST_BASE_URL: sim.url,
    ADMIN_API_KEY: adminKey,
    SCIM_TOKEN: 'keys-scim-token-0123456789',
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

async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** How long until `GET /api/me` with `key` on `base` answers `status` (polled every 25 ms). */
async function msUntil(base: string, key: string, status: number, limitMs = 5_000) {
  const began = Date.now();
  for (;;) {
    const res = await call(base, 'GET', '/api/me', key);
    const elapsed = Date.now() - began;
    if (res.status === status) return elapsed;
    if (elapsed > limitMs) throw new Error(`still ${res.status} after ${elapsed} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('keys across processes: every process on one DATA_DIR sees a new or revoked key within 2 s', () => {
  let dataDir: string;
  let sim: RunningSimulator;
  let child: ServiceProcess;
  let here: INestApplication | undefined;
  let hereUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keys-processes-'));
    sim = await startSimulator({ fixture: demoFixture() });
    child = await ServiceProcess.start({ dataDir, pinterestBaseUrl: sim.url });
    here = await startHere(dataDir, sim, ADMIN_KEY);
    hereUrl = listeningUrl(here);
  }, 180_000);

  afterAll(async () => {
    await here?.close();
    await ServiceProcess.killAll();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('given two processes, then they share one pepper file of mode 0600', () => {
    expect(statSync(join(dataDir, PEPPER_FILE)).mode & 0o777).toBe(0o600);
  });

  it('given a key created on one process, then the other accepts it within 2 s; revoked on that one, the first refuses it within 2 s', async () => {
    // given
    const made = await call<{ id: string; key: string }>(
      hereUrl,
      'POST',
      '/api/api-keys',
      ADMIN_KEY,
      {
        name: 'grace',
        role: 'operator',
        person: { email: 'grace@acme.test', name: 'Grace Hopper' },
      },
    );
    expect(made.status).toBe(201);
    // then
    expect(await msUntil(child.url, made.body.key, 200)).toBeLessThan(2_000);
    // when
    const revoked = await call(child.url, 'DELETE', `/api/api-keys/${made.body.id}`, ADMIN_KEY);
    expect(revoked.status).toBe(200);
    // then
    expect(await msUntil(hereUrl, made.body.key, 401)).toBeLessThan(2_000);
    expect((await call(child.url, 'GET', '/api/me', made.body.key)).status).toBe(401);
  });

  it('given a key rotated on one process without grace, then the other refuses the old one and takes the new one within 2 s', async () => {
    const made = await call<{ id: string; key: string }>(
      child.url,
      'POST',
      '/api/api-keys',
      ADMIN_KEY,
      {
        name: 'linus',
        role: 'auditor',
        person: { email: 'linus@acme.test', name: 'Linus' },
      },
    );
    expect(await msUntil(hereUrl, made.body.key, 200)).toBeLessThan(2_000);
    const rotated = await call<{ key: string }>(
      child.url,
      'POST',
      `/api/api-keys/${made.body.id}/rotate`,
      ADMIN_KEY,
      {},
    );
    expect(await msUntil(hereUrl, made.body.key, 401)).toBeLessThan(2_000);
    expect(await msUntil(hereUrl, rotated.body.key, 200)).toBeLessThan(2_000);
  });

  it('given ADMIN_API_KEY changed from A to B, when the service starts again, then A is refused and B works', async () => {
    // given
    await here?.close();
    here = undefined;
    await ServiceProcess.killAll();
    // when
    here = await startHere(dataDir, sim, KEY_B);
    hereUrl = listeningUrl(here);
    // then
    expect((await call(hereUrl, 'GET', '/api/me', ADMIN_KEY)).status).toBe(401);
    const me = await call<{ name: string; role: string }>(hereUrl, 'GET', '/api/me', KEY_B);
    expect(me).toMatchObject({ status: 200, body: { name: 'admin', role: 'admin' } });
    // the listing is a projection: it follows within moments
    const keys = await eventually(
      () =>
        call<{ items: { name: string; status: string }[] }>(hereUrl, 'GET', '/api/api-keys', KEY_B),
      (r) => r.body.items.filter((k) => k.name === 'admin').length === 2,
      10_000,
    );
    expect(
      keys.body.items
        .filter((k) => k.name === 'admin')
        .map((k) => k.status)
        .sort(),
    ).toEqual(['active', 'revoked']);
  });
});

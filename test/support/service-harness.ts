import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { EventStore, type Position, type RecordedEvent } from '@app/eventstore';
import { type RunningSimulator, type SimulatorFixture, startSimulator } from '@app/simulator';
import { createApp } from '../../apps/api/src/bootstrap';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const SCIM_TOKEN = 'test-scim-token-0123456789';

/** The whole service on a free port, with its own data dir, driving a simulator in Chromium. */
export interface ServiceHarness {
  url: string;
  simulator: RunningSimulator;
  app: INestApplication;
  dataDir: string;
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }>;
  scim<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** The log, filtered; with `after` (a position from `head()`), only what came since. */
  events(
    filter?: { categories?: string[]; eventTypes?: string[] },
    after?: Position | null,
  ): Promise<RecordedEvent[]>;
  /** The log's head position (opaque; null while the log is empty). */
  head(): Promise<Position | null>;
  close(): Promise<void>;
}

export async function startService(
  fixture: SimulatorFixture,
  env: Record<string, string> = {},
): Promise<ServiceHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'svc-'));
  const simulator = await startSimulator({ fixture });
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    PORT: '0',
    PINTEREST_BASE_URL: simulator.url,
    // The same simulator answers the REST API (the API connector).
    PINTEREST_API_BASE_URL: `${simulator.url}/v5`,
    ADMIN_API_KEY: ADMIN_KEY,
    SCIM_TOKEN,
    EVENTSTORE_URL: '',
    MONGO_URL: '',
    LOG_LEVEL: 'error',
    ...env,
  });
  let app: INestApplication;
  try {
    app = await createApp();
  } finally {
    process.env = saved;
  }
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const store = app.get(EventStore);

  const call = async <T>(
    method: string,
    path: string,
    body: unknown,
    token: string,
    type: string,
  ) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': type } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };

  return {
    url,
    simulator,
    app,
    dataDir,
    api: (method, path, body, token = ADMIN_KEY) =>
      call(method, path, body, token, 'application/json'),
    scim: (method, path, body) =>
      call(method, `/scim/v2${path}`, body, SCIM_TOKEN, 'application/scim+json'),
    async events(filter = {}, after = null) {
      const out: RecordedEvent[] = [];
      for await (const e of store.readAll({ filter, after: after ?? undefined })) out.push(e);
      return out;
    },
    head: () => store.headPosition(),
    async close() {
      await app.close();
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The automation task once it ends (by default completed or not completed). */
export function finishedTask<T extends { status: string }>(
  svc: ServiceHarness,
  taskId: string,
  timeoutMs = 60_000,
  ends: readonly string[] = ['completed', 'not_completed'],
): Promise<T> {
  return eventually(
    async () => (await svc.api<T>('GET', `/api/automation-tasks/${taskId}`)).body,
    (t) => ends.includes(t?.status),
    timeoutMs,
  );
}

/** The members of the tabs named, by lower-cased first name: how the tests name members. */
export async function memberIdsByFirstName(
  svc: ServiceHarness,
  integrationId: string,
  tabs: readonly string[] = ['unmatched', 'onboarded'],
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const tab of tabs) {
    const page = await svc.api<{ items: { id: string; name: string }[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=${tab}&limit=100`,
    );
    for (const m of page.body.items) ids[m.name.split(' ')[0].toLowerCase()] = m.id;
  }
  return ids;
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

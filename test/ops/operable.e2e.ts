import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { EventStore } from '@app/eventstore';
import { READ_MODEL_STORE } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { createApp } from '../../apps/api/src/bootstrap';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from '../governance/fixture';
import {
  ADMIN_KEY,
  eventually,
  type ServiceHarness,
  startService,
} from '../support/service-harness';

const METRICS_TOKEN = 'metrics-token-0123456789';

interface Task {
  status: string;
  error: { kind: string } | null;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text format, sample lines only; a line that is neither comment nor sample fails. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value;
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

/** Every file and folder under `dir`, with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push({ path, dir: entry.isDirectory(), mode: statSync(path).mode & 0o777 });
    if (entry.isDirectory()) out.push(...modes(path));
  }
  return out;
}

describe('operable: health, readiness, metrics and file modes of a running service', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  let failingId: string;

  const check = async (id: string): Promise<Task> => {
    const res = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${id}/check-for-updates`,
    );
    expect(res.status).toBe(202);
    return eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${res.body.taskId}`)).body,
      (t) => t.status === 'completed' || t.status === 'not_completed',
      90_000,
    );
  };
  const get = (path: string, token?: string) =>
    fetch(`${svc.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeAll(async () => {
    const other = trickyBusiness({ id: '555000111222333444', name: 'Other' });
    svc = await startService(fixtureOf(trickyBusiness(), other), {
      READY_MAX_LAG: '0',
      METRICS_TOKEN,
    });
    const connect = async (businessId: string, password: string) => {
      const res = await svc.api<{ id: string }>('POST', '/api/integrations', {
        label: `Acme ${businessId}`,
        businessId,
        loginMethod: 'password',
        automationAccount: { label: `Robot ${businessId}`, email: AUTOMATION.email, password },
      });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    integrationId = await connect(BUSINESS_ID, AUTOMATION.password);
    failingId = await connect('555000111222333444', 'wrong-password-42');
    // given one check that completes and one that Pinterest refuses (leaving evidence)
    expect((await check(integrationId)).status).toBe('completed');
    expect(await check(failingId)).toMatchObject({
      status: 'not_completed',
      error: { kind: 'invalid_credentials' },
    });
  }, 240_000);

  afterAll(async () => svc?.close());

  it('answers /health/live, /health/ready and /health without a key and without positions', async () => {
    expect(await (await get('/health/live')).json()).toEqual({ status: 'ok' });
    for (const path of ['/health/ready', '/health']) {
      const res = await get(path);
      expect({ path, status: res.status, body: await res.json() }).toEqual({
        path,
        status: 200,
        body: { status: 'ready' },
      });
    }
  });

  it('moves the detailed status to GET /api/status, behind the API key', async () => {
    expect((await get('/api/status')).status).toBe(401);
    const res = await svc.api<{
      eventStore: string;
      headPosition: string | null;
      projections: { name: string; eventsBehind: number }[];
      workers: { here: boolean };
    }>('GET', '/api/status');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ eventStore: 'sqlite', workers: { here: true } });
    expect(res.body.headPosition).toEqual(expect.any(String));
    expect(res.body.projections.map((p) => p.name)).toContain('members');
  });

  it('serves /metrics only for METRICS_TOKEN, in Prometheus text, with what the checks did', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', 'not-the-metrics-token')).status).toBe(401);
    expect((await get('/metrics', ADMIN_KEY)).status).toBe(401);
    await svc.app.get(ProjectionRunner).waitFor(await svc.head(), 30_000);
    const res = await get('/metrics', METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const samples = parseMetrics(text);

    // HTTP: by route template, method and status, never the raw URL
    const checks = find(samples, 'http_request_duration_seconds_count', {
      method: 'POST',
      route: '/api/integrations/:id/check-for-updates',
      status: '202',
    });
    expect(checks).toHaveLength(1);
    expect(checks[0].value).toBe(2);
    const routes = find(samples, 'http_request_duration_seconds_count').map((s) => s.labels.route);
    expect(routes).toContain('/api/automation-tasks/:id');
    expect(routes.join(' ')).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const refused = find(samples, 'http_request_duration_seconds_count', {
      route: '/metrics',
      status: '401',
    });
    expect(refused[0]?.value).toBeGreaterThanOrEqual(3);

    // Pinterest through the browser connector: the read that completed, the login refused
    const read = find(samples, 'pinterest_action_duration_seconds_count', {
      connector: 'browser',
      kind: 'read_business',
      outcome: 'complete',
    });
    expect(read[0]?.value).toBe(1);
    const refusedLogin = find(samples, 'pinterest_action_duration_seconds_count', {
      connector: 'browser',
      kind: 'read_business',
      outcome: 'invalid_credentials',
    });
    expect(refusedLogin[0]?.value).toBeGreaterThanOrEqual(1);
    const readSeconds = find(samples, 'pinterest_action_duration_seconds_sum', {
      outcome: 'complete',
    });
    expect(readSeconds[0]?.value).toBeGreaterThan(0.01);
    expect(readSeconds[0]?.value).toBeLessThan(120);

    // check durations by connector and result
    expect(
      find(samples, 'check_duration_seconds_count', {
        connector: 'browser',
        result: 'completed',
      })[0]?.value,
    ).toBe(1);
    expect(
      find(samples, 'check_duration_seconds_count', {
        connector: 'browser',
        result: 'not_completed',
      })[0]?.value,
    ).toBe(1);
    const completedSum = find(samples, 'check_duration_seconds_sum', { result: 'completed' })[0];
    expect(completedSum.value).toBeGreaterThan(readSeconds[0].value - 0.001);

    // lag per projection, queue depth per consumer group, all caught up
    const lags = find(samples, 'projection_lag_events');
    expect(lags.map((s) => s.labels.projection)).toEqual(
      expect.arrayContaining(['members', 'integrations', 'credentials']),
    );
    for (const lag of lags) expect(lag).toMatchObject({ value: 0 });
    const depths = find(samples, 'consumer_queue_depth_events');
    expect(depths).toContainEqual({
      name: 'consumer_queue_depth_events',
      labels: { group: 'sagas', consumer: 'check-for-updates' },
      value: 0,
    });
    expect(new Set(depths.map((s) => s.labels.group))).toEqual(new Set(['sagas', 'notifications']));

    // SMTP (no mail server here: declared, no sample yet) and the process metrics
    expect(text).toContain('# TYPE smtp_delivery_duration_seconds histogram');
    expect(find(samples, 'process_cpu_user_seconds_total')[0]?.value).toBeGreaterThan(0);
    expect(find(samples, 'process_resident_memory_bytes')[0]?.value).toBeGreaterThan(1e6);
    expect(find(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('keeps DATA_DIR 0700 and the stores, vault, snapshots and evidence for the owner only', () => {
    expect(statSync(svc.dataDir).mode & 0o777).toBe(0o700);
    const all = modes(svc.dataDir);
    const names = all.map((f) => f.path.slice(svc.dataDir.length + 1));
    // every kind of file is really there to be judged
    expect(names).toEqual(
      expect.arrayContaining([
        'events.sqlite',
        'events.sqlite-wal',
        'readmodels.sqlite',
        'readmodels.sqlite-wal',
        'vault.sqlite',
        'vault.key',
        'snapshots',
        'evidence',
      ]),
    );
    expect(names.filter((n) => n.startsWith('snapshots/')).length).toBeGreaterThan(0);
    const evidence = all.filter((f) => !f.dir && f.path.includes('/evidence/'));
    expect(evidence.length).toBeGreaterThan(0);
    for (const f of all) {
      const where = f.path.slice(svc.dataDir.length + 1);
      // nothing for group or others; folders 0700, snapshots read-only (0400), the rest 0600
      const expected = f.dir ? 0o700 : where.startsWith('snapshots/') ? 0o400 : 0o600;
      expect({ where, mode: f.mode.toString(8) }).toEqual({ where, mode: expected.toString(8) });
    }
  });

  describe('readiness', () => {
    let api: INestApplication | null = null;
    const apiUrl = () => {
      const { port } = api!.getHttpServer().address() as { port: number };
      return `http://127.0.0.1:${port}`;
    };

    afterAll(async () => {
      await api?.close().catch(() => undefined);
    });

    it('given READY_MAX_LAG=0 and a projection behind the log, then the worker is unready with the reason; an api process stays ready', async () => {
      // given the projections stopped, and one event they have not applied
      const runner = svc.app.get(ProjectionRunner);
      await runner.stop();
      await svc.app.get(EventStore).appendToStream('opsprobe-1', [
        {
          type: 'OpsProbeRecorded',
          data: {},
          metadata: {
            workspaceId: 'default',
            actor: 'system',
            correlationId: 'ops-probe',
            causationId: null,
            occurredAt: new Date().toISOString(),
            schemaVersion: 1,
          },
        },
      ]);
      // when / then
      await eventually(
        async () => (await get('/health/ready')).status,
        (s) => s === 503,
        10_000,
      );
      const res = await get('/health/ready');
      const body = (await res.json()) as { status: string; reason: string };
      expect(body.status).toBe('unready');
      expect(body.reason).toMatch(/READY_MAX_LAG=0 .*streams/);
      expect(body).not.toHaveProperty('headPosition');
      expect((await get('/health')).status).toBe(503);
      expect((await get('/health/live')).status).toBe(200);

      // and an api process on the same stores reads what the worker projects: still ready
      const saved = { ...process.env };
      Object.assign(process.env, {
        DATA_DIR: svc.dataDir,
        PORT: '0',
        PINTEREST_BASE_URL: svc.simulator.url,
        ADMIN_API_KEY: ADMIN_KEY,
        EVENTSTORE_URL: '',
        MONGO_URL: '',
        SERVICE_ROLE: 'api',
        READY_MAX_LAG: '0',
        LOG_LEVEL: 'error',
      });
      try {
        api = await createApp();
      } finally {
        process.env = saved;
      }
      const ready = await fetch(`${apiUrl()}/health/ready`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({
        status: 200,
        body: { status: 'ready' },
      });

      // when the projections run again, the worker is ready again
      await runner.start();
      await eventually(
        async () => (await get('/health/ready')).status,
        (s) => s === 200,
        30_000,
      );
    }, 90_000);

    it('given a store that no longer answers, then ready is 503 naming it, and live stays 200', async () => {
      await api!.get<ReadModelStore>(READ_MODEL_STORE).close();
      const res = await fetch(`${apiUrl()}/health/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'unready',
        reason: 'the read-model store (sqlite) does not answer',
      });
      expect((await fetch(`${apiUrl()}/health/live`)).status).toBe(200);
    });
  });
});

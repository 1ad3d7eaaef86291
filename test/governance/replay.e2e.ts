import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObservedBusiness } from '@app/domain';
import { createEventStore, EventStore, type RecordedEvent } from '@app/eventstore';
import { NotFound } from '@app/domain';
import type { ReplayReport } from '@app/governance';
import { TaskEventsQuery } from '../../libs/governance/src/replay/task-events.query';
import type { BusinessFixture } from '@app/simulator';
import {
  ADMIN_KEY,
  eventually,
  finishedTask,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

const OTHER_ID = '223456789012345678';
const OTHER_ROBOT = { email: 'robot2@other.example', password: 'robot2-password-1' };
const otherBusiness = (): BusinessFixture => ({
  id: OTHER_ID,
  name: 'Other Co',
  members: [
    { id: '2000', name: 'Other Robot', role: 'MANAGER', ...OTHER_ROBOT },
    { id: '2001', name: 'Olga Other', email: 'olga@other.example', role: 'EMPLOYEE' },
  ],
  invites: [],
  assets: [{ id: '6001', type: 'AD_ACCOUNT', name: 'Other Ads' }],
  grants: [{ memberId: '2001', assetId: '6001', permissions: ['ANALYST'] }],
  partners: [],
});

interface Task {
  id: string;
  status: string;
}
interface TaskEventView {
  position: string;
  id: string;
  type: string;
  stream: string;
  revision: number;
  correlationId: string;
  causationId: string | null;
  data: Record<string, unknown>;
}
interface TaskEventsPage {
  taskId: string;
  items: TaskEventView[];
  nextCursor: string | null;
}

/** `npm run cli -- replay --task ID [--json]`, as an operator runs it, in its own process. */
async function cliReplay(
  dataDir: string,
  taskId: string,
  json: boolean,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    '-r',
    join(ROOT, 'tools/register.js'),
    join(ROOT, 'apps/cli/src/main.ts'),
    'replay',
    '--task',
    taskId,
    ...(json ? ['--json'] : []),
  ];
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every file under dir (recursively) with the sha256 of its bytes. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out[file.slice(dir.length)] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return out;
}

describe('replay a sync for an investigation (service + simulator in Chromium, CLI as a child process)', () => {
  let svc: ServiceHarness;
  let acme: string;
  let other: string;
  const tasks: Record<string, string> = {};

  const snapshotOf = async (taskId: string): Promise<{ sha256: string; bytes: number }> => {
    const ended = (await svc.events({ categories: ['automationTask'] })).find(
      (e) => e.stream === `automationTask-${taskId}` && e.type === 'AutomationTaskCompleted',
    ) as RecordedEvent<string, { snapshot: { sha256: string; bytes: number } }>;
    return ended.data.snapshot;
  };
  const check = async (integrationId: string, correlationId?: string): Promise<string> => {
    const res = await fetch(`${svc.url}/api/integrations/${integrationId}/check-for-updates`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
      },
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { taskId: string }).taskId;
  };
  const finished = (taskId: string) => finishedTask<Task>(svc, taskId, 60_000);
  const taskEvents = async (taskId: string, limit: number): Promise<TaskEventView[]> => {
    const all: TaskEventView[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await svc.api<TaskEventsPage>(
        'GET',
        `/api/automation-tasks/${taskId}/events?${query}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return all;
  };

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness(), otherBusiness()));
    const connect = async (label: string, businessId: string, robot: typeof AUTOMATION) => {
      const res = await svc.api<{ id: string }>('POST', '/api/integrations', {
        label,
        businessId,
        loginMethod: 'password',
        automationAccount: { label: `${label} robot`, ...robot },
      });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    acme = await connect('Acme', BUSINESS_ID, AUTOMATION);
    other = await connect('Other', OTHER_ID, OTHER_ROBOT);
    // A directory identity, so that the first check matches someone automatically.
    const scim = await svc.scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'bob@acme.example',
      name: { givenName: 'Bob', familyName: 'Stone' },
      emails: [{ value: 'bob@acme.example', primary: true }],
      active: true,
    });
    expect(scim.status).toBe(201);
  }, 60_000);

  let stopped = false;
  afterAll(async () => {
    if (!stopped) return svc?.close();
    // The service was stopped by a test: only the simulator and the folder are left.
    await svc.simulator.close();
    rmSync(svc.dataDir, { recursive: true, force: true });
  });

  it('keeps what the check observed: canonical JSON, gzip, named by its sha256, written before the events naming it, with no secret', async () => {
    // When a first check runs
    tasks.first = await check(acme);
    expect((await finished(tasks.first)).status).toBe('completed');

    // Then its ending names the kept snapshot, whose file hashes to that name
    const ref = await snapshotOf(tasks.first);
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    const file = join(svc.dataDir, 'snapshots', `${ref.sha256}.json.gz`);
    const canonical = gunzipSync(readFileSync(file));
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(ref.sha256);
    expect(canonical.length).toBe(ref.bytes);
    const kept = JSON.parse(canonical.toString('utf8')) as ObservedBusiness;
    expect(kept).toMatchObject({ businessId: BUSINESS_ID, complete: true, warnings: [] });
    expect(kept.members.map((m) => m.email).sort()).toContain('bob@acme.example');
    // canonical: keys sorted at every level, no whitespace
    expect(canonical.toString('utf8').startsWith('{"assets":[')).toBe(true);
    expect(canonical.toString('utf8')).not.toMatch(/\n|": /);
    // no secret: neither the automation password nor any member password
    for (const secret of [AUTOMATION.password, OTHER_ROBOT.password]) {
      expect(canonical.toString('utf8')).not.toContain(secret);
    }
    expect(statSync(file).mode & 0o222).toBe(0); // kept read-only
    // written before the first event of the import that it explains
    const discovered = (await svc.events({ categories: ['member'] }))[0];
    expect(statSync(file).mtimeMs).toBeLessThanOrEqual(Date.parse(discovered.recordedAt) + 1);
  }, 90_000);

  it('GET /api/automation-tasks/:id/events: the task events and what they caused, in log order, paged, nothing of another task started by the same request', async () => {
    // Given two checks asked for with one correlation (as one request starting many tasks does)
    const corr = 'two-tasks-one-request';
    const [a, b] = [await check(acme, corr), await check(other, corr)];
    await finished(a);
    await finished(b);
    tasks.sharedA = a;
    const byPage = await eventually(
      () => taskEvents(a, 3),
      (items) => items.some((e) => e.type === 'CheckForUpdatesFinished'),
    );

    // Then paging by 3 and in one page give the same events, positions increasing
    const whole = await taskEvents(a, 500);
    expect(byPage).toEqual(whole);
    const store = svc.app.get(EventStore);
    for (let i = 1; i < whole.length; i++) {
      expect(
        store.comparePositions(
          store.parsePosition(whole[i - 1].position),
          store.parsePosition(whole[i].position),
        ),
      ).toBeLessThan(0);
    }
    // the task's own events and what they caused: queued … finished
    const types = whole.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'AutomationTaskQueued',
        'CheckForUpdatesRequested',
        'AutomationTaskStarted',
        'AutomationTaskCompleted',
        'CheckForUpdatesFinished',
      ]),
    );
    const ids = new Set(whole.map((e) => e.id));
    for (const e of whole) {
      const carried = typeof e.data.taskId === 'string' ? e.data.taskId : null;
      // each event carries this task's id, or was caused by one of the task's events
      expect(carried === a || (carried === null && e.causationId && ids.has(e.causationId))).toBe(
        true,
      );
    }
    // Every event the log holds for this task is there: the same set the log gives
    const log = await svc.events();
    const expected = new Set<string>();
    for (const e of log) {
      const carried = (e.data as { taskId?: string }).taskId;
      if (
        carried === a ||
        (!carried && e.metadata.causationId && expected.has(e.metadata.causationId))
      )
        expected.add(e.id);
    }
    expect([...ids].sort()).toEqual([...expected].sort());

    // And the other task of the same correlation sees none of them
    const otherEvents = await eventually(
      () => taskEvents(b, 500),
      (items) => items.some((e) => e.type === 'CheckForUpdatesFinished'),
    );
    expect(otherEvents.every((e) => e.correlationId === corr)).toBe(true);
    expect(whole.every((e) => e.correlationId === corr)).toBe(true);
    expect(otherEvents.filter((e) => ids.has(e.id))).toEqual([]);
    expect(whole.some((e) => e.stream === `integration-${acme}`)).toBe(true);
    expect(whole.some((e) => e.stream === `integration-${other}`)).toBe(false);
    expect(otherEvents.some((e) => e.stream === `integration-${acme}`)).toBe(false);
  }, 120_000);

  it('refuses a bad limit, cursor or id by field, and hides another workspace’s task', async () => {
    const path = `/api/automation-tasks/${tasks.first}/events`;
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=x', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
    ]) {
      const res = await svc.api<{ message: string; details: unknown }>('GET', `${path}?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await svc.api('GET', '/api/automation-tasks/nope/events')).status).toBe(400);
    expect(
      (await svc.api('GET', '/api/automation-tasks/00000000-0000-4000-8000-000000000000/events'))
        .status,
    ).toBe(404);
    expect((await svc.api('GET', path, undefined, 'wrong-key')).status).toBe(401);
    // Another workspace asking for this task gets "not found", not its events
    await expect(
      svc.app
        .get(TaskEventsQuery, { strict: false })
        .page(
          { workspaceId: 'another-workspace', actor: 'x', credentialId: 'x', correlationId: 'x' },
          tasks.first,
          { limit: 50 },
        ),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it('replays a check after drift: the CLI exits 0 with the same events, the live log and DATA_DIR untouched', async () => {
    // Given changes made on Pinterest (a role, a grant, a person gone) and a second check
    const changed = trickyBusiness();
    changed.members = changed.members
      .filter((m) => m.id !== '1005')
      .map((m) => (m.id === '1004' ? { ...m, role: 'MANAGER' } : m));
    changed.grants = [
      ...(changed.grants ?? []).filter((g) => g.memberId !== '1005'),
      { memberId: '1002', assetId: '5001', permissions: ['FINANCE_MANAGER'] },
    ];
    const reset = await fetch(`${svc.simulator.url}/__sim/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtureOf(changed, otherBusiness())),
    });
    expect(reset.status).toBeLessThan(300);
    tasks.drift = await check(acme);
    expect((await finished(tasks.drift)).status).toBe('completed');
    const head = await svc.head();
    // The service stops (so that nothing else writes), then the DATA_DIR is fingerprinted
    await svc.app.close();
    stopped = true;
    const before = filesOf(svc.dataDir);

    // When the operator replays both checks
    const drift = await cliReplay(svc.dataDir, tasks.drift, true);
    const first = await cliReplay(svc.dataDir, tasks.first, false);

    // Then each exits 0 and the replayed events equal the recorded ones
    expect(drift.stderr).toBe('');
    expect(drift.code).toBe(0);
    const report = JSON.parse(drift.stdout) as ReplayReport;
    expect(report.identical).toBe(true);
    expect(report.recorded.map((e) => [e.type, e.actor]).sort()).toEqual(
      [
        ['MemberAssetPermissionsChanged', 'pinterest'],
        ['MemberBusinessRoleChanged', 'pinterest'],
        ['MemberLeftBusiness', 'pinterest'],
      ].sort(),
    );
    expect(report.replayed).toEqual(report.recorded);
    expect(report.stateBefore.events).toBeGreaterThan(20);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/identical: \d+ events/);
    expect(first.stdout).toContain('MemberDiscovered member-');
    expect(first.stdout).toContain('MemberMatched'); // bob, from the directory's read model

    // And under another import safeguard (0 %: no departure may be recorded) the same snapshot
    // gives other events: exit 1, and the difference is printed
    const strict = await cliReplay(svc.dataDir, tasks.drift, false, {
      IMPORT_SAFEGUARD_PERCENT: '0',
    });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/DIFFERENT: 1 of 3 events differ/);
    expect(strict.stdout).toMatch(
      /#2 recorded: \{"type":"MemberLeftBusiness","stream":"member-.*"actor":"pinterest"/,
    );
    expect(strict.stdout).toMatch(/#2 replayed: null/);

    // And nothing of the live DATA_DIR changed, nor did the log's head
    expect(filesOf(svc.dataDir)).toEqual(before);
    const live = createEventStore({ dataDir: svc.dataDir });
    try {
      expect(await live.headPosition()).toBe(head);
    } finally {
      await live.close();
    }
  }, 180_000);

  it('a kept snapshot altered, corrupted or missing: exit 1 naming the file', async () => {
    const ref = await (async () => {
      const store = createEventStore({ dataDir: svc.dataDir });
      try {
        for (const e of await store.readStream(`automationTask-${tasks.drift}`)) {
          const s = (e.data as { snapshot?: { sha256: string; bytes: number } }).snapshot;
          if (s) return s;
        }
      } finally {
        await store.close();
      }
      throw new Error('no snapshot');
    })();
    const file = join(svc.dataDir, 'snapshots', `${ref.sha256}.json.gz`);
    const saved = `${file}.saved`;
    copyFileSync(file, saved);

    // altered: a member's name changed, re-compressed (a valid gzip of other content)
    const observed = JSON.parse(
      gunzipSync(readFileSync(file)).toString('utf8'),
    ) as ObservedBusiness;
    observed.members[1].name = 'Someone Else';
    writeFileSync(file, gzipSync(JSON.stringify(observed)));
    const altered = await cliReplay(svc.dataDir, tasks.drift, false);
    expect(altered.code).toBe(1);
    expect(altered.stderr).toContain(file);
    expect(altered.stderr).toContain('altered');

    // one flipped byte
    const bytes = readFileSync(saved);
    bytes[bytes.length - 12] ^= 0xff;
    writeFileSync(file, bytes);
    const flipped = await cliReplay(svc.dataDir, tasks.drift, true);
    expect(flipped.code).toBe(1);
    expect(JSON.parse(flipped.stdout)).toMatchObject({ identical: false, file });

    // missing
    rmSync(file);
    const missing = await cliReplay(svc.dataDir, tasks.drift, false);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${file} does not exist`);

    // restored, it replays identically again
    renameSync(saved, file);
    expect((await cliReplay(svc.dataDir, tasks.drift, false)).code).toBe(0);
  }, 120_000);
});

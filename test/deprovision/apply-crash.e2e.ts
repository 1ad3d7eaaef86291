import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GENERATED_MANAGER,
  generateBusiness,
  type LogEntry,
  type RunningSimulator,
  startSimulator,
} from '@app/simulator';
import {
  cliVerifyProjections,
  eventually,
  getJson,
  ServiceProcess,
  type ServiceOptions,
  sleep,
} from '../actions/service-process';

/**
 * kill -9 during an apply of 20 leavers, twice, then a restart: every leaver is removed from
 * Pinterest exactly once (the simulator's log, which lives in this process and survives the
 * crashes), the report proves each removal, and the read models equal a rebuild.
 */

const BUSINESS_ID = '900000000000008080';
const LEAVERS = 20;

interface Member {
  id: string;
  pinterestUserId: string;
  email: string;
  tab: string;
}
interface Item {
  memberId: string;
  status: string;
  removalTaskId: string | null;
}
interface Report {
  items: Item[];
  counts: Record<string, number | null>;
}
interface Task {
  status: string;
}

describe('an apply of the deprovision report survives kill -9 (service in a child process)', () => {
  const business = generateBusiness({
    businessId: BUSINESS_ID,
    name: 'Leavers Co',
    members: 110,
    adAccounts: 2,
    profiles: 1,
    catalogs: 1,
    grantsPerMember: 1,
    partners: 0,
    invites: 0,
    seed: 8080,
  });
  let simulator: RunningSimulator;
  let dataDir: string;
  let options: ServiceOptions;
  let svc: ServiceProcess | undefined;
  let integrationId: string;
  let leavers: Member[] = [];

  const service = (): ServiceProcess => {
    if (!svc) throw new Error('the service is not running');
    return svc;
  };
  const report = async (): Promise<Report> =>
    (
      await service().api<Report>(
        'GET',
        `/api/integrations/${integrationId}/deprovision-report?limit=500`,
      )
    ).body;
  const finished = (taskId: string) =>
    eventually(
      `task ${taskId} finished`,
      async () => (await service().api<Task>('GET', `/api/automation-tasks/${taskId}`)).body,
      (t) => t?.status === 'completed' || t?.status === 'not_completed',
      120_000,
    );

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'apply-crash-'));
    simulator = await startSimulator({ fixture: { businesses: [business] } });
    options = { dataDir, pinterestBaseUrl: simulator.url };
    svc = await ServiceProcess.start(options);
    const created = await service().api<{ id: string }>('POST', '/api/integrations', {
      label: 'Leavers Co',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'Robot', ...DEFAULT_GENERATED_MANAGER },
    });
    expect(created.status).toBe(201);
    integrationId = created.body.id;
    const check = await service().api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect((await finished(check.body.taskId)).status).toBe('completed');
    const unmatched = await service().api<{ items: Member[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=unmatched&limit=200`,
    );
    leavers = unmatched.body.items
      .filter((m) => m.email !== DEFAULT_GENERATED_MANAGER.email)
      .sort((a, b) => a.pinterestUserId.localeCompare(b.pinterestUserId))
      .slice(0, LEAVERS);
    expect(leavers).toHaveLength(LEAVERS);
    // Given 20 members matched to directory identities, which the IdP then deactivates
    for (const m of leavers) {
      const created = await service().scim<{ id: string }>('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: m.email,
        emails: [{ value: m.email, primary: true }],
        active: true,
      });
      expect(created.status).toBe(201);
      await eventually(
        `${m.email} onboarded`,
        async () =>
          (await service().api<Member>('GET', `/api/integrations/${integrationId}/members/${m.id}`))
            .body,
        (doc) => doc.tab === 'onboarded',
      );
      const patched = await service().scim('PATCH', `/Users/${created.body.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', value: { active: 'False' } }],
      });
      expect(patched.status).toBe(200);
    }
    await eventually('20 pending leavers', report, (r) => r.counts.pending === LEAVERS);
  }, 300_000);

  afterAll(async () => {
    await ServiceProcess.killAll();
    await simulator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('given an apply of 20 leavers, when the service is killed twice while removing them, then after a restart each is removed exactly once, proven, and projections verify passes', async () => {
    const applied = await service().api<{ applyId: string; taskIds: string[] }>(
      'POST',
      `/api/integrations/${integrationId}/deprovision-report/apply`,
      { confirmMassRemoval: true },
    );
    expect(applied.status).toBe(202);
    expect(applied.body.taskIds).toHaveLength(LEAVERS);
    const removed = () =>
      simulator.state.log.filter(
        (e: LogEntry) => e.businessId === BUSINESS_ID && e.action === 'remove_member',
      ).length;

    // When: killed a moment after the answer, then again once a few removals show on Pinterest
    await sleep(Math.floor(Math.random() * 400));
    await service().kill();
    const atFirstKill = removed();
    svc = await ServiceProcess.start(options);
    const deadline = Date.now() + 60_000;
    while (removed() < Math.min(LEAVERS - 1, atFirstKill + 3) && Date.now() < deadline)
      await sleep(5);
    await service().kill();
    const atSecondKill = removed();
    svc = await ServiceProcess.start(options);

    // Then every removal task ends, completed
    for (const taskId of applied.body.taskIds) {
      expect((await finished(taskId)).status).toBe('completed');
    }
    const log = await getJson<LogEntry[]>(`${simulator.url}/__sim/log?businessId=${BUSINESS_ID}`);
    for (const m of leavers) {
      expect({
        member: m.pinterestUserId,
        removals: log.filter((e) => e.action === 'remove_member' && e.target === m.pinterestUserId)
          .length,
      }).toEqual({ member: m.pinterestUserId, removals: 1 });
    }
    expect(log.filter((e) => e.action === 'remove_member')).toHaveLength(LEAVERS);
    // And the check that runs by itself proves every one of them
    const proven = await eventually(
      'every leaver verified',
      report,
      (r) => r.counts.verified === LEAVERS,
      120_000,
    );
    expect(proven.items.map((i) => i.removalTaskId).sort()).toEqual(
      [...applied.body.taskIds].sort(),
    );
    // The second kill came while removals were under way, not after they had all ended.
    expect(atSecondKill).toBeLessThan(LEAVERS);

    // And the read models equal a rebuild from the log
    await sleep(500);
    await service().kill();
    svc = undefined;
    const cli = await cliVerifyProjections(dataDir);
    expect(cli.status).toBe(0);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { projection: string; ok: boolean; documents: number });
    expect(lines.filter((l) => !l.ok)).toEqual([]);
    expect(lines.find((l) => l.projection === 'deprovision-report')?.documents).toBeGreaterThan(
      LEAVERS,
    );
  }, 600_000);
});

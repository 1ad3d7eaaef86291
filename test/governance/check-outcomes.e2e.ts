import { existsSync } from 'node:fs';
import type { BusinessFixture, SimulatorFixture } from '@app/simulator';
import { eventually, type ServiceHarness, startService } from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

interface Card {
  health: string;
  healthReason: string | null;
  lastCheck: { result: string; failure: { kind: string } | null } | null;
}
interface Task {
  status: string;
  summary: Record<string, unknown> | null;
  error: {
    kind: string;
    message: string;
    evidence: string[];
    details?: Record<string, unknown>;
  } | null;
}
interface Members {
  items: { id: string; name: string }[];
}

/**
 * What a check records when it cannot trust its reading, or when it would record a mass
 * departure; and the integration's health after each check. Real service, real Chromium,
 * the simulator's faults.
 */
describe('check outcomes: partial snapshots, the import safeguard, and health (end to end)', () => {
  let svc: ServiceHarness;
  let integrationId: string;

  const sim = async (path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${svc.simulator.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return res.json();
  };
  /** Changes the business on Pinterest's side, as someone in Business Manager would. */
  const onPinterest = async (change: (b: BusinessFixture) => BusinessFixture): Promise<void> => {
    const state = (await sim('/__sim/state')) as SimulatorFixture;
    await sim('/__sim/reset', {
      businesses: state.businesses.map((b) => (b.id === BUSINESS_ID ? change(b) : b)),
    });
  };
  const runCheck = async (body?: unknown): Promise<Task & { id: string }> => {
    const res = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
      body,
    );
    expect(res.status).toBe(202);
    const task = await eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${res.body.taskId}`)).body,
      (t) => t.status === 'completed' || t.status === 'not_completed',
      90_000,
    );
    return { ...task, id: res.body.taskId };
  };
  const card = async (): Promise<Card> =>
    (await svc.api<Card>('GET', `/api/integrations/${integrationId}`)).body;
  const present = async (): Promise<string[]> => {
    const names: string[] = [];
    for (const tab of ['unmatched', 'onboarded', 'exempted']) {
      const page = await svc.api<Members>(
        'GET',
        `/api/integrations/${integrationId}/members?tab=${tab}&limit=100`,
      );
      names.push(...page.body.items.map((m) => m.name));
    }
    return names.sort();
  };
  const leftEvents = async () => svc.events({ eventTypes: ['MemberLeftBusiness'] });

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness()));
    const res = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'Robot', email: AUTOMATION.email, password: AUTOMATION.password },
    });
    expect(res.status).toBe(201);
    integrationId = res.body.id;
    // Given the business imported once: six members
    expect((await runCheck()).status).toBe('completed');
    expect(await present()).toHaveLength(6);
  }, 120_000);

  afterAll(async () => svc?.close());

  it('a check that cannot reach Pinterest leaves the card not healthy, saying why; the next good check makes it healthy again', async () => {
    // given a healthy integration
    expect(await card()).toMatchObject({ health: 'healthy', healthReason: 'check completed' });

    // when Pinterest answers every page with an error for the whole check
    await sim('/__sim/faults', { failNext: 100_000, failStatus: 503 });
    const failed = await runCheck();
    await sim('/__sim/faults', { failNext: 0 });

    // then the task is not completed and the card says so, with the reason
    expect(failed).toMatchObject({ status: 'not_completed', error: { kind: 'transient' } });
    const after = await card();
    expect(after).toMatchObject({
      health: 'requires_sync',
      lastCheck: { result: 'not_completed', failure: { kind: 'transient' } },
    });
    expect(after.healthReason).toMatch(/^last check not completed \(transient\): /);

    // and when the next check completes, the card is healthy again
    expect((await runCheck()).status).toBe('completed');
    expect(await card()).toMatchObject({
      health: 'healthy',
      healthReason: 'check completed',
      lastCheck: { result: 'completed', failure: null },
    });
  }, 120_000);

  it('a partial snapshot records what it saw, records no one as gone, and ends partial_snapshot with evidence', async () => {
    // given a change on Pinterest, and an Employees list that will leave out its last row once
    await onPinterest((b) => ({
      ...b,
      members: b.members.map((m) => (m.id === '1004' ? { ...m, role: 'MANAGER' } : m)),
    }));
    await sim('/__sim/faults', { hideRows: 1 });
    const left = (await leftEvents()).length;
    const roleChanges = (await svc.events({ eventTypes: ['MemberBusinessRoleChanged'] })).length;

    // when checking for updates
    const task = await runCheck();

    // then the task is not completed, kind partial_snapshot, saying why, with the page kept
    expect(task.status).toBe('not_completed');
    expect(task.error?.kind).toBe('partial_snapshot');
    expect(task.error?.message).toMatch(/Employees said 6 people, 5 were read/);
    expect(task.error?.message).toMatch(/1 member\(s\) not seen were not recorded as gone/);
    expect(task.error?.evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/screenshot\.png$/),
        expect.stringMatching(/page\.html$/),
      ]),
    );
    for (const path of task.error?.evidence ?? []) expect(existsSync(path)).toBe(true);
    // and no one was recorded as gone: Eve Park, the hidden row, is still a member
    expect((await leftEvents()).length).toBe(left);
    expect(await present()).toContain('Eve Park');
    // and the change it did see was recorded, and counted in its summary
    expect((await svc.events({ eventTypes: ['MemberBusinessRoleChanged'] })).length).toBe(
      roleChanges + 1,
    );
    expect(task.summary).toMatchObject({ membersChanged: 1, membersGone: 0 });
    // and the card says the last check did not complete, and why
    const after = await card();
    expect(after.health).toBe('requires_sync');
    expect(after.healthReason).toMatch(/partial_snapshot/);

    // when the next check reads the whole list, then it completes and nothing left either
    const next = await runCheck();
    expect(next.status).toBe('completed');
    expect(next.summary).toMatchObject({ membersGone: 0 });
    expect((await leftEvents()).length).toBe(left);
    expect((await card()).health).toBe('healthy');
  }, 120_000);

  it('the import safeguard: a check that would record too many departures records none until an admin confirms', async () => {
    // given two of the six members removed directly on Pinterest (33% > the 20% safeguard)
    await onPinterest((b) => ({
      ...b,
      members: b.members.filter((m) => m.id !== '1002' && m.id !== '1003'),
      grants: (b.grants ?? []).filter((g) => g.memberId !== '1002' && g.memberId !== '1003'),
    }));
    const left = (await leftEvents()).length;

    // when checking for updates
    const tripped = await runCheck();

    // then it stops with the numbers and records no departure
    expect(tripped).toMatchObject({
      status: 'not_completed',
      error: {
        kind: 'safeguard',
        message:
          'would record 2 of 6 members (33.3%) as gone; the safeguard is 20%; confirm with confirmDepartures',
        details: { wouldRecordGone: 2, members: 6, safeguardPercent: 20 },
      },
      summary: { membersGone: 0 },
    });
    expect((await leftEvents()).length).toBe(left);
    expect(await present()).toEqual(expect.arrayContaining(['Bob Stone', 'Carol Diaz']));
    const after = await card();
    expect(after.health).toBe('requires_sync');
    expect(after.healthReason).toMatch(/safeguard.*would record 2 of 6 members/);

    // and a malformed confirmation is refused by name, appending nothing
    const head = await svc.head();
    for (const body of [{ confirmDepartures: 'yes' }, { confirmDepartures: 1 }]) {
      const res = await svc.api<{ message: string; details: { field: string }[] }>(
        'POST',
        `/api/integrations/${integrationId}/check-for-updates`,
        body,
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('confirmDepartures');
      expect(res.body.details.map((d) => d.field)).toEqual(['confirmDepartures']);
    }
    expect(await svc.head()).toBe(head);

    // when an admin confirms with a new check
    const confirmed = await runCheck({ confirmDepartures: true });

    // then the departures are recorded, as Pinterest's doing, and the task says who confirmed
    expect(confirmed.status).toBe('completed');
    expect(confirmed.summary).toMatchObject({
      membersGone: 2,
      departuresConfirmedBy: 'admin',
      safeguardOverridden: true,
    });
    const gone = (await leftEvents()).slice(left);
    expect(gone.map((e) => e.metadata.actor)).toEqual(['pinterest', 'pinterest']);
    expect(await present()).not.toEqual(expect.arrayContaining(['Bob Stone']));
    expect(await present()).not.toContain('Carol Diaz');
    // and the log holds the confirmation with who gave it: on the request and on the task
    const requests = await svc.events({ eventTypes: ['CheckForUpdatesRequested'] });
    const request = requests.find((e) => (e.data as { taskId: string }).taskId === confirmed.id);
    expect(request?.data).toMatchObject({ confirmDepartures: true });
    expect(request?.metadata.actor).toBe('admin');
    const completed = (await svc.events({ eventTypes: ['AutomationTaskCompleted'] })).find(
      (e) => e.stream === `automationTask-${confirmed.id}`,
    );
    expect(completed?.data).toMatchObject({ summary: { departuresConfirmedBy: 'admin' } });
    expect((await card()).health).toBe('healthy');
  }, 120_000);
});

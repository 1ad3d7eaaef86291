import type { RecordedEvent } from '@app/eventstore';
import type { BusinessFixture } from '@app/simulator';
import {
  ADMIN_KEY,
  finishedTask,
  memberIdsByFirstName,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, fixtureOf } from './fixture';

/**
 * What the log and the answers say about who did what: observed outcomes, the automation
 * account's own access, one correlation per request, and what a match role allows.
 */

const BUSINESS_ID = '444000555666777888';

function business(): BusinessFixture {
  return {
    id: BUSINESS_ID,
    name: 'Acme Rules',
    members: [
      {
        id: '4000',
        name: 'Acme Robot',
        email: AUTOMATION.email,
        role: 'MANAGER',
        password: AUTOMATION.password,
      },
      { id: '4001', name: 'Ann Gone', email: 'ann@rules.example', role: 'EMPLOYEE' },
      { id: '4002', name: 'Bob Helper', email: 'bob@rules.example', role: 'EMPLOYEE' },
      { id: '4003', name: 'Cid Lead', email: 'cid@rules.example', role: 'EMPLOYEE' },
    ],
    assets: [{ id: '6100', type: 'AD_ACCOUNT', name: 'Rules Ads' }],
    grants: [
      { memberId: '4000', assetId: '6100', permissions: ['ADMIN', 'ANALYST'] },
      { memberId: '4001', assetId: '6100', permissions: ['ANALYST'] },
    ],
  };
}

interface Task {
  id: string;
  status: string;
  summary: {
    outcome?: string;
    observed?: string;
    afterInterruptedAttempt?: boolean;
    removedBy?: string;
  } | null;
}
interface Member {
  id: string;
  name: string;
  tab: string;
  businessRole: string;
  matchedIdentity: { identityId: string; how: string; role: string | null } | null;
  removal: {
    outcome: string;
    observed: string;
    afterInterruptedAttempt: boolean | null;
    removedBy: string | null;
  } | null;
}
interface Answer {
  taskId: string | null;
  member: Member;
}
interface ErrorBody {
  statusCode: number;
  message: string;
  details?: { reason?: string; state?: string };
}

describe('member rules end to end: what the log says, who may be touched, one correlation per request', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  const member: Record<string, string> = {};

  const base = (name: string) => `/api/integrations/${integrationId}/members/${member[name]}`;
  const get = async (name: string) => (await svc.api<Member>('GET', base(name))).body;
  const finished = (taskId: string) => finishedTask<Task>(svc, taskId, 60_000);
  const provision = async (email: string): Promise<string> => {
    const res = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      emails: [{ value: email, primary: true }],
      active: true,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  /** A request with its own headers, to see the correlation header go in and come back. */
  const request = async <T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; correlationId: string | null }> => {
    const res = await fetch(svc.url + path, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as T,
      correlationId: res.headers.get('x-correlation-id'),
    };
  };
  const eventsOf = async (stream: string): Promise<RecordedEvent[]> =>
    (await svc.events()).filter((e) => e.stream === stream);

  beforeAll(async () => {
    svc = await startService(fixtureOf(business()));
    const res = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Rules',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'robot', ...AUTOMATION },
    });
    expect(res.status).toBe(201);
    integrationId = res.body.id;
    const check = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect((await finished(check.body.taskId)).status).toBe('completed');
    Object.assign(member, await memberIdsByFirstName(svc, integrationId, ['unmatched']));
    expect(Object.keys(member).sort()).toEqual(['acme', 'ann', 'bob', 'cid']);
  }, 120_000);

  afterAll(async () => svc?.close());

  it('given someone else removed a person on Pinterest, when we remove them, then already_absent on a first attempt, by whom the page says; the task says absent, not removed', async () => {
    const removed = await fetch(`${svc.simulator.url}/__sim/remove-member`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ businessId: BUSINESS_ID, memberId: '4001', by: 'boss@rules.example' }),
    });
    expect(removed.status).toBe(200);

    const res = await svc.api<Answer>('POST', `${base('ann')}/remove`);
    expect(res.status).toBe(202);
    const task = await finished(res.body.taskId as string);
    expect(task).toMatchObject({
      status: 'completed',
      summary: {
        outcome: 'absent',
        observed: 'already_absent',
        afterInterruptedAttempt: false,
        removedBy: 'boss@rules.example',
      },
    });
    const [event] = await svc.events({ eventTypes: ['MemberRemoved'] });
    expect(event.data).toMatchObject({
      outcome: 'already_absent',
      afterInterruptedAttempt: false,
      removedBy: 'boss@rules.example',
      revokedAssets: { '6100': ['ANALYST'] },
    });
    expect(event.metadata.schemaVersion).toBe(2);
    expect(await get('ann')).toMatchObject({
      tab: 'gone',
      removal: {
        outcome: 'absent',
        observed: 'already_absent',
        afterInterruptedAttempt: false,
        removedBy: 'boss@rules.example',
      },
    });
    // Answered as not ours: the member is not "removed" by the service.
    const again = await svc.api<ErrorBody>('POST', `${base('ann')}/remove`);
    expect(again.status).toBe(409);
    expect(again.body.details?.state).toBe('not on Pinterest');
  });

  it('given the member the integration logs in with, when removed, demoted or stripped of permissions, then 409 automation_account and nothing appended; exempting stays allowed', async () => {
    const before = await svc.head();
    const refusals = [
      await svc.api<ErrorBody>('POST', `${base('acme')}/remove`),
      await svc.api<ErrorBody>('PUT', `${base('acme')}/business-role`, { role: 'employee' }),
      await svc.api<ErrorBody>('PUT', `${base('acme')}/asset-permissions`, {
        assetId: '6100',
        permissions: ['ANALYST'],
      }),
      await svc.api<ErrorBody>('PUT', `${base('acme')}/asset-permissions`, {
        assetId: '6100',
        permissions: [],
      }),
    ];
    expect(refusals.map((r) => [r.status, r.body.details?.reason])).toEqual([
      [409, 'automation_account'],
      [409, 'automation_account'],
      [409, 'automation_account'],
      [409, 'automation_account'],
    ]);
    expect(await svc.head()).toBe(before);

    const exempted = await svc.api<Answer>('POST', `${base('acme')}/exempt`, {
      reason: 'the service account',
    });
    expect(exempted.status).toBe(200);
    expect(exempted.body.member.tab).toBe('exempted');
    expect((await svc.api('POST', `${base('acme')}/unexempt`)).status).toBe(200);
  });

  it('given one request that matches with an invite, then every event it appends shares its correlation, echoed in the answer; the saga carries it with the request as cause', async () => {
    const identity = await provision('bob.work@corp.example');
    const res = await request<Answer>(
      'POST',
      `${base('bob')}/match`,
      { identityId: identity, role: 'collaborator' },
      { 'x-correlation-id': 'ticket-4711.retry:1' },
    );
    expect(res.status).toBe(202);
    expect(res.correlationId).toBe('ticket-4711.retry:1');
    await finished(res.body.taskId as string);

    const memberEvents = await eventsOf(`member-${member.bob}`);
    const fromRequest = memberEvents.filter((e) =>
      ['MemberMatched', 'MemberInviteRequested'].includes(e.type),
    );
    expect(fromRequest.map((e) => e.type)).toEqual(['MemberMatched', 'MemberInviteRequested']);
    const requested = fromRequest[1];
    const taskEvents = await eventsOf(`automationTask-${res.body.taskId}`);
    const queued = taskEvents.find((e) => e.type === 'AutomationTaskQueued');
    expect([...fromRequest, queued].map((e) => e?.metadata.correlationId)).toEqual([
      'ticket-4711.retry:1',
      'ticket-4711.retry:1',
      'ticket-4711.retry:1',
    ]);
    const bySaga = [
      ...memberEvents.filter((e) => ['MemberActionAttempted', 'MemberInvited'].includes(e.type)),
      ...taskEvents.filter((e) => e.type !== 'AutomationTaskQueued'),
    ];
    expect(bySaga.length).toBeGreaterThanOrEqual(4);
    expect(
      bySaga.map((e) => ({
        type: e.type,
        correlationId: e.metadata.correlationId,
        causationId: e.metadata.causationId,
      })),
    ).toEqual(
      bySaga.map((e) => ({
        type: e.type,
        correlationId: 'ticket-4711.retry:1',
        causationId: requested.id,
      })),
    );
  });

  it('given a correlation header that is not a plain token, or none, then the request gets a new one, echoed and carried by its event', async () => {
    for (const [path, header] of [
      ['exempt', { 'x-correlation-id': 'has spaces and \u00e9' }],
      ['unexempt', {}],
    ] as const) {
      const res = await request<Answer>(
        'POST',
        `${base('cid')}/${path}`,
        path === 'exempt' ? { reason: 'checking correlations' } : undefined,
        header,
      );
      expect(res.status).toBe(200);
      expect(res.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      const events = await eventsOf(`member-${member.cid}`);
      expect(events[events.length - 1].metadata.correlationId).toBe(res.correlationId);
    }
    const refused = await request<ErrorBody>('POST', `${base('ann')}/remove`, undefined, {
      'x-correlation-id': 'x'.repeat(300),
    });
    expect(refused.status).toBe(409);
    expect(refused.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('given a collaborator, when made manager, then 409 collaborator; an owner can be; the match role shows on the member and in the tabs', async () => {
    expect((await get('bob')).matchedIdentity).toMatchObject({ role: 'collaborator' });
    const before = await svc.head();
    const refused = await svc.api<ErrorBody>('PUT', `${base('bob')}/business-role`, {
      role: 'manager',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.details?.reason).toBe('collaborator');
    expect(await svc.head()).toBe(before);

    const identity = await provision('cid.work@corp.example');
    const matched = await svc.api<Answer>('POST', `${base('cid')}/match`, {
      identityId: identity,
      role: 'owner',
    });
    expect(matched.status).toBe(202);
    await finished(matched.body.taskId as string);
    const tab = await svc.api<{ items: Member[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=onboarded`,
    );
    expect(
      Object.fromEntries(tab.body.items.map((m) => [m.name, m.matchedIdentity?.role])),
    ).toEqual({ 'Bob Helper': 'collaborator', 'Cid Lead': 'owner' });

    const promoted = await svc.api<Answer>('PUT', `${base('cid')}/business-role`, {
      role: 'manager',
    });
    expect(promoted.status).toBe(202);
    const task = await finished(promoted.body.taskId as string);
    expect(task).toMatchObject({ status: 'completed', summary: { outcome: 'changed' } });
    expect(await get('cid')).toMatchObject({ businessRole: 'manager' });
  });
});

import { existsSync } from 'node:fs';
import type { BusinessFixture, LogEntry } from '@app/simulator';
import {
  finishedTask,
  memberIdsByFirstName,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

const EMPLOYEE_BUSINESS = '222000333444555666';
const EMPLOYEE_LOGIN = { email: 'intern@acme.example', password: 'intern-password-1' };

interface Task {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  error: { kind: string; evidence: string[] } | null;
}
interface Member {
  id: string;
  name: string;
  status: string;
  tab: string;
  businessRole: string;
  assets: { assetId: string; permissions: string[] }[];
  exemption: { reason: string; actor: string } | null;
  matchedIdentity: { identityId: string; how: string } | null;
  invite: { email: string; status: string } | null;
  lastFailure: { kind: string; failure: { kind: string; evidence: string[] } } | null;
}
interface Answer {
  taskId: string | null;
  member: Member;
}
interface ErrorBody {
  statusCode: number;
  message: string;
  details?: { state?: string; reason?: string };
}

/** The service account starts as a Manager; `demoted` is the same business after someone made it an Employee. */
function employeeBusiness(demoted = false): BusinessFixture {
  return {
    id: EMPLOYEE_BUSINESS,
    name: 'Read-only',
    members: [
      { id: '3000', name: 'Boss', email: 'boss@acme.example', role: 'MANAGER' },
      {
        id: '3001',
        name: 'Intern',
        email: EMPLOYEE_LOGIN.email,
        role: demoted ? 'EMPLOYEE' : 'MANAGER',
        password: EMPLOYEE_LOGIN.password,
      },
      { id: '3002', name: 'Leaver', email: 'leaver@acme.example', role: 'EMPLOYEE' },
    ],
    assets: [{ id: '6001', type: 'AD_ACCOUNT', name: 'RO' }],
    grants: [{ memberId: '3002', assetId: '6001', permissions: ['ANALYST'] }],
  };
}

describe('member actions through the saga, end to end (simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  const member: Record<string, string> = {};
  const identity: Record<string, string> = {};

  const base = (name: string) => `/api/integrations/${integrationId}/members/${member[name]}`;
  const get = async (name: string) => (await svc.api<Member>('GET', base(name))).body;
  const finished = (taskId: string) => finishedTask<Task>(svc, taskId, 60_000);
  const simLog = async (businessId = BUSINESS_ID): Promise<LogEntry[]> =>
    (await (
      await fetch(`${svc.simulator.url}/__sim/log?businessId=${businessId}`)
    ).json()) as LogEntry[];
  const check = async (id: string) => {
    const queued = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${id}/check-for-updates`,
    );
    return finished(queued.body.taskId);
  };
  const connect = async (businessId: string, login: { email: string; password: string }) => {
    const res = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: businessId,
      businessId,
      loginMethod: 'password',
      automationAccount: { label: `robot ${businessId}`, ...login },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const provision = async (key: string, email: string) => {
    const res = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      emails: [{ value: email, primary: true }],
      active: true,
    });
    expect(res.status).toBe(201);
    identity[key] = res.body.id;
  };

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness(), employeeBusiness()));
    await provision('ann', 'ann.lee@acme.example');
    await provision('zed', 'zed@corp.example');
    await provision('gone', 'gone@corp.example');
    await svc.scim('PATCH', `/Users/${identity.gone}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    integrationId = await connect(BUSINESS_ID, AUTOMATION);
    expect((await check(integrationId)).status).toBe('completed');
    Object.assign(member, await memberIdsByFirstName(svc, integrationId));
  }, 120_000);

  afterAll(async () => svc?.close());

  it('exempts with a trimmed reason, refuses bad reasons by field, and keeps an exempted member unmatched', async () => {
    const before = await svc.head();
    for (const reason of ['   ', 'x'.repeat(501), 42]) {
      const res = await svc.api<ErrorBody>('POST', `${base('dan')}/exempt`, { reason });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('reason');
    }
    expect(await svc.head()).toBe(before);

    const res = await svc.api<Answer>('POST', `${base('dan')}/exempt`, {
      reason: '  agency contractor  ',
    });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({
      tab: 'exempted',
      status: 'exempted',
      exemption: { reason: 'agency contractor', actor: 'admin' },
    });

    await provision('dan', 'dan@agency.example');
    await check(integrationId);
    expect(await get('dan')).toMatchObject({ tab: 'exempted', matchedIdentity: null });

    const onboarded = await svc.api<ErrorBody>('POST', `${base('ann')}/exempt`, {
      reason: 'why not',
    });
    expect(onboarded.status).toBe(409);
    expect(onboarded.body.details?.state).toBe('onboarded');

    const back = await svc.api<Answer>('POST', `${base('dan')}/unexempt`);
    expect(back.body.member.tab).toBe('unmatched');
    expect((await svc.api('POST', `${base('dan')}/unexempt`)).status).toBe(409);
    // Unexempted, the next check matches Dan to the identity that fits.
    await check(integrationId);
    expect(await get('dan')).toMatchObject({
      tab: 'onboarded',
      matchedIdentity: { identityId: identity.dan, how: 'auto' },
    });
  });

  it('matches manually and invites the identity on Pinterest exactly once', async () => {
    const refused = await svc.api<ErrorBody>('POST', `${base('carol')}/match`, {
      identityId: identity.gone,
      role: 'owner',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('deprovisioned');
    expect(
      (await svc.api('POST', `${base('carol')}/match`, { identityId: identity.zed, role: 'boss' }))
        .status,
    ).toBe(400);

    const res = await svc.api<Answer>('POST', `${base('carol')}/match`, {
      identityId: identity.zed,
      role: 'owner',
    });
    expect(res.status).toBe(202);
    expect(res.body.member).toMatchObject({
      tab: 'onboarded',
      matchedIdentity: { identityId: identity.zed, how: 'manual' },
    });
    const task = await finished(res.body.taskId as string);
    expect(task).toMatchObject({ status: 'completed', kind: 'adding_users' });
    expect(
      (await simLog()).filter((e) => e.action === 'invite' && e.target === 'zed@corp.example'),
    ).toHaveLength(1);
    expect(await get('carol')).toMatchObject({
      status: 'pending_invite_claim',
      invite: { email: 'zed@corp.example', status: 'pending_invite_claim' },
    });
  });

  it('removes a member with all their permissions; a second removal is refused', async () => {
    const [first, second] = await Promise.all([
      svc.api<Answer>('POST', `${base('eve')}/remove`),
      svc.api<ErrorBody>('POST', `${base('eve')}/remove`),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([202, 409]);
    const accepted = (first.status === 202 ? first.body : second.body) as Answer;
    const task = await finished(accepted.taskId as string);
    expect(task).toMatchObject({ status: 'completed', kind: 'removing_users' });

    expect(await get('eve')).toMatchObject({ status: 'removed', tab: 'gone', assets: [] });
    const removed = await svc.events({ eventTypes: ['MemberRemoved'] });
    expect(removed).toHaveLength(1);
    expect(removed[0].data).toMatchObject({
      revokedAssets: { '5003': ['CATALOGS_MANAGER'] },
      outcome: 'removed',
    });
    expect(removed[0].metadata.actor).toBe('admin');
    expect(
      (await simLog()).filter((e) => e.action === 'remove_member' && e.target === '1005'),
    ).toHaveLength(1);
    const again = await svc.api<ErrorBody>('POST', `${base('eve')}/remove`);
    expect(again.status).toBe(409);
    expect(again.body.details?.state).toBe('removed');
  });

  it('changes a business role and asset permissions on Pinterest, recorded as requested, not as drift', async () => {
    const role = await svc.api<Answer>('PUT', `${base('bob')}/business-role`, { role: 'manager' });
    expect(role.status).toBe(202);
    expect((await finished(role.body.taskId as string)).status).toBe('completed');
    expect(await get('bob')).toMatchObject({ businessRole: 'manager', status: 'unmatched' });
    expect(
      (await simLog()).filter((e) => e.action === 'change_role' && e.target === '1002'),
    ).toHaveLength(1);

    expect(
      (
        await svc.api<ErrorBody>('PUT', `${base('ann')}/asset-permissions`, {
          assetId: '5002',
          permissions: ['ADMIN'],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await svc.api<ErrorBody>('PUT', `${base('ann')}/asset-permissions`, {
          assetId: '9999',
          permissions: [],
        })
      ).status,
    ).toBe(400);
    const narrow = await svc.api<Answer>('PUT', `${base('ann')}/asset-permissions`, {
      assetId: '5001',
      permissions: ['ANALYST'],
    });
    expect((await finished(narrow.body.taskId as string)).status).toBe('completed');
    expect((await get('ann')).assets).toEqual([
      expect.objectContaining({ assetId: '5001', permissions: ['ANALYST'] }),
    ]);
    const none = await svc.api<Answer>('PUT', `${base('ann')}/asset-permissions`, {
      assetId: '5001',
      permissions: [],
    });
    expect((await finished(none.body.taskId as string)).status).toBe('completed');
    expect((await get('ann')).assets).toEqual([]);

    const before = await svc.head();
    await check(integrationId);
    const drift = (await svc.events({ categories: ['member'] }, before)).filter(
      (e) => e.metadata.actor === 'pinterest',
    );
    expect(drift).toEqual([]);
  });

  it('retries transient failures on Pinterest and completes', async () => {
    // Dan was matched automatically: no role was chosen, so he may not manage the business.
    const refused = await svc.api<ErrorBody>('PUT', `${base('dan')}/business-role`, {
      role: 'manager',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.details).toMatchObject({ reason: 'collaborator' });
    await fetch(`${svc.simulator.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: 4, failStatus: 503 }),
    });
    const res = await svc.api<Answer>('PUT', `${base('carol')}/business-role`, {
      role: 'employee',
    });
    const task = await finished(res.body.taskId as string);
    expect(task.status).toBe('completed');
    expect(task.attempts).toBeGreaterThanOrEqual(2);
    const retried = await svc.events({ eventTypes: ['MemberActionAttemptFailed'] });
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(
      (await simLog()).filter((e) => e.action === 'change_role' && e.target === '1003'),
    ).toHaveLength(1);
  });

  it('stops on a permanent failure with evidence and marks the member deprovisioning_failed', async () => {
    const readOnly = await connect(EMPLOYEE_BUSINESS, EMPLOYEE_LOGIN);
    expect((await check(readOnly)).status).toBe('completed');
    const page = await svc.api<{ items: Member[] }>(
      'GET',
      `/api/integrations/${readOnly}/members?tab=unmatched&search=leaver`,
    );
    const leaver = page.body.items[0];
    await fetch(`${svc.simulator.url}/__sim/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtureOf(trickyBusiness(), employeeBusiness(true))),
    });
    const res = await svc.api<Answer>(
      'POST',
      `/api/integrations/${readOnly}/members/${leaver.id}/remove`,
    );
    const task = await finished(res.body.taskId as string);
    expect(task).toMatchObject({ status: 'not_completed', error: { kind: 'permission_denied' } });
    expect(task.error?.evidence.length).toBeGreaterThan(0);
    for (const path of task.error?.evidence ?? []) expect(existsSync(path)).toBe(true);
    const after = (
      await svc.api<Member>('GET', `/api/integrations/${readOnly}/members/${leaver.id}`)
    ).body;
    expect(after).toMatchObject({
      status: 'deprovisioning_failed',
      lastFailure: { failure: { kind: 'permission_denied' } },
    });
    const card = await svc.api<{ health: string }>('GET', `/api/integrations/${readOnly}`);
    expect(card.body.health).toBe('review_configuration');
    expect(await svc.events({ eventTypes: ['MemberRemovalFailed'] })).toHaveLength(1);
    expect(
      (await simLog(EMPLOYEE_BUSINESS)).filter((e) => e.action === 'remove_member'),
    ).toHaveLength(0);
  });

  it('connects the automation account only with a password that logs in', async () => {
    const accounts = await svc.api<{ items: { id: string; email: string }[] }>(
      'GET',
      '/api/automation-accounts',
    );
    const robot = accounts.body.items.find((a) => a.email === AUTOMATION.email) as { id: string };
    const wrong = await svc.api<{ details: { account: { status: string } } }>(
      'POST',
      `/api/automation-accounts/${robot.id}/connect`,
      {
        email: AUTOMATION.email,
        password: 'not-it',
      },
    );
    expect(wrong.status).toBe(422);
    expect(wrong.body.details.account.status).toBe('connected');
    const right = await svc.api<{ status: string }>(
      'POST',
      `/api/automation-accounts/${robot.id}/connect`,
      AUTOMATION,
    );
    expect(right.body.status).toBe('connected');
    expect(JSON.stringify(await svc.events())).not.toContain('not-it');
  });
});

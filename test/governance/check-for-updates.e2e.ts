import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { DailyCheckScheduler, MembersQuery } from '@app/governance';
import type { BusinessFixture } from '@app/simulator';
import {
  ADMIN_KEY,
  eventually,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

interface Card {
  id: string;
  health: string;
  memberCounts: { unmatched: number; onboarded: number; exempted: number };
  lastCheck: { result: string } | null;
}
interface Task {
  id: string;
  status: string;
  kind: string;
  trigger: string;
  actor: string;
  summary: Record<string, number> | null;
  error: { kind: string; evidence: string[] } | null;
}
interface Member {
  id: string;
  name: string;
  email: string;
  businessRole: string;
  status: string;
  assets: { assetId: string; name: string | null; permissions: string[] }[];
  matchedIdentity: { identityId: string; how: string; rule: string } | null;
  ambiguityCandidates: string[] | null;
}
interface Members {
  items: Member[];
  nextCursor: string | null;
  counts: { unmatched: number; onboarded: number; exempted: number };
}

const scimUser = (
  userName: string,
  emails: { value: string; type?: string; primary?: boolean }[],
  name = userName,
) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: name, familyName: 'Test' },
  emails,
  active: true,
});

describe('check for updates, end to end (simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  const ids: Record<string, string> = {};

  const runCheck = async (): Promise<Task> => {
    const res = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(res.status).toBe(202);
    return eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${res.body.taskId}`)).body,
      (t) => t.status === 'completed' || t.status === 'not_completed',
      60_000,
    );
  };
  const tab = async (name: string, query = ''): Promise<Members> =>
    (
      await svc.api<Members>(
        'GET',
        `/api/integrations/${integrationId}/members?tab=${name}${query}`,
      )
    ).body;

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness()));
    // Given a directory with tricky emails
    const provision = async (key: string, body: unknown) => {
      const res = await svc.scim<{ id: string }>('POST', '/Users', body);
      expect(res.status).toBe(201);
      ids[key] = res.body.id;
    };
    await provision(
      'ann',
      scimUser('ann.lee@acme.example', [{ value: '  ann.lee@ACME.example ', primary: true }]),
    );
    await provision(
      'bob',
      scimUser('robert@acme.example', [
        { value: 'robert@acme.example', primary: true },
        { value: 'Bob@Acme.Example', type: 'other' },
      ]),
    );
    await provision(
      'carol1',
      scimUser('carol.diaz@acme.example', [{ value: 'carol@acme.example' }]),
    );
    await provision(
      'carol2',
      scimUser('carol.d@acme.example', [{ value: 'carol@acme.example', type: 'other' }]),
    );
  }, 60_000);

  afterAll(async () => svc?.close());

  it('refuses bad input by field, appending nothing', async () => {
    const before = await svc.head();
    const cases: [unknown, string][] = [
      [
        {
          businessId: '123',
          loginMethod: 'password',
          automationAccount: { label: 'a', email: 'a@b.c', password: 'x' },
        },
        'label',
      ],
      [
        {
          label: 'x',
          businessId: '12ab',
          loginMethod: 'password',
          automationAccount: { label: 'a', email: 'a@b.c', password: 'x' },
        },
        'businessId',
      ],
      [
        {
          label: 'x',
          businessId: '123456789012345678901',
          loginMethod: 'password',
          automationAccount: { label: 'a', email: 'a@b.c', password: 'x' },
        },
        'businessId',
      ],
      [
        {
          label: 'x',
          businessId: '1',
          loginMethod: 'magic',
          automationAccount: { label: 'a', email: 'a@b.c', password: 'x' },
        },
        'loginMethod',
      ],
      [
        {
          label: 'x',
          businessId: '1',
          loginMethod: 'sso',
          automationAccount: { label: 'a', email: 'not-an-email', password: 'x' },
        },
        'automationAccount.email',
      ],
      [
        {
          label: 'x',
          businessId: '1',
          loginMethod: 'sso',
          automationAccount: { label: 'a', email: 'a@b.c' },
        },
        'automationAccount.password',
      ],
      [{ label: 'x', businessId: '1', loginMethod: 'sso' }, 'automationAccount'],
    ];
    for (const [body, field] of cases) {
      const res = await svc.api<{
        statusCode: number;
        message: string;
        details: { field: string }[];
      }>('POST', '/api/integrations', body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.details.map((d) => d.field)).toContain(field);
      expect(res.body.message).toContain(field);
    }
    expect((await svc.api('GET', '/api/integrations', undefined, 'wrong-key')).status).toBe(401);
    expect(await svc.head()).toBe(before);
  });

  it('connects an integration; the password never reaches the log or the read models', async () => {
    const res = await svc.api<Card>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: {
        label: 'Robot',
        email: AUTOMATION.email,
        password: AUTOMATION.password,
        phone: '+1 555 0100',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      health: 'requires_sync',
      memberCounts: { unmatched: 0, onboarded: 0, exempted: 0 },
    });
    integrationId = res.body.id;

    const again = await svc.api('POST', '/api/integrations', {
      label: 'Acme again',
      businessId: BUSINESS_ID,
      loginMethod: 'sso',
      automationAccount: { label: 'Robot', email: AUTOMATION.email, password: 'another' },
    });
    expect(again.status).toBe(409);

    const log = JSON.stringify(await svc.events());
    expect(log).not.toContain(AUTOMATION.password);
    expect(log).toContain('vault:');
    const accounts = await svc.api<{ items: { status: string; email: string }[] }>(
      'GET',
      '/api/automation-accounts',
    );
    expect(accounts.body.items).toEqual([
      expect.objectContaining({ email: AUTOMATION.email, status: 'connect_your_account' }),
    ]);
    expect(JSON.stringify(accounts.body)).not.toContain(AUTOMATION.password);
  });

  it('imports the business and sorts members into the tabs, matching tricky emails', async () => {
    const task = await runCheck();
    expect(task).toMatchObject({
      status: 'completed',
      kind: 'syncing_users',
      trigger: 'web_app',
      actor: 'admin',
    });
    expect(task.summary).toMatchObject({ membersAdded: 6, membersGone: 0, membersMatched: 2 });

    const onboarded = await tab('onboarded');
    expect(onboarded.counts).toEqual({ unmatched: 4, onboarded: 2, exempted: 0 });
    const byName = Object.fromEntries(onboarded.items.map((m) => [m.name, m]));
    expect(byName['Ann Lee'].matchedIdentity).toMatchObject({ identityId: ids.ann, how: 'auto' });
    expect(byName['Bob Stone'].matchedIdentity).toMatchObject({ identityId: ids.bob, how: 'auto' });
    expect(byName['Ann Lee'].assets).toEqual([
      {
        assetId: '5001',
        assetType: 'AD_ACCOUNT',
        name: 'Acme US',
        permissions: ['ADMIN', 'ANALYST'],
      },
    ]);

    const unmatched = await tab('unmatched');
    const carol = unmatched.items.find((m) => m.name === 'Carol Diaz');
    expect(carol?.status).toBe('ambiguous');
    expect(carol?.ambiguityCandidates?.sort()).toEqual([ids.carol1, ids.carol2].sort());
    expect(carol?.businessRole).toBe('manager');
    expect(unmatched.items.map((m) => m.name).sort()).toEqual([
      'Acme Robot',
      'Carol Diaz',
      'Dan Outsider',
      'Eve Park',
    ]);

    const card = await svc.api<Card>('GET', `/api/integrations/${integrationId}`);
    expect(card.body).toMatchObject({ health: 'healthy', lastCheck: { result: 'completed' } });
    expect(card.body.memberCounts).toEqual({ unmatched: 4, onboarded: 2, exempted: 0 });

    const search = await tab('unmatched', '&search=AGENCY');
    expect(search.items.map((m) => m.name)).toEqual(['Dan Outsider']);
    const one = await svc.api<Member>(
      'GET',
      `/api/integrations/${integrationId}/members/${search.items[0].id}`,
    );
    expect(one.body).toMatchObject({
      name: 'Dan Outsider',
      email: 'dan@agency.example',
      businessRole: 'employee',
    });

    const types = (await svc.events({ categories: ['business'] })).map((e) => e.type).sort();
    expect(types).toEqual([
      'AssetDiscovered',
      'AssetDiscovered',
      'AssetDiscovered',
      'InvitationObserved',
      'PartnerDiscovered',
    ]);
  });

  it('sends a tab page as JSON: its content type and the bytes of the page the query builds', async () => {
    const path = `/api/integrations/${integrationId}/members?tab=unmatched&limit=3`;
    const get = (query = '') =>
      fetch(`${svc.url}${path}${query}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    // when the page and the next one are read over HTTP
    const first = await get();
    const firstText = await first.text();
    const cursor = (JSON.parse(firstText) as Members).nextCursor;
    const next = await get(`&cursor=${cursor ?? ''}`);
    // then
    const members = svc.app.get(MembersQuery);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // the ETag Express computes for those bytes (weak: length, then sha1), kept with a cached page
    const bytes = Buffer.from(firstText, 'utf8');
    const sha1 = createHash('sha1').update(bytes).digest('base64').slice(0, 27);
    expect(first.headers.get('etag')).toBe(`W/"${bytes.length.toString(16)}-${sha1}"`);
    expect(first.headers.get('content-length')).toBe(String(bytes.length));
    expect(first.headers.get('x-powered-by')).toBeNull();
    const again = await get();
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await again.text()).toBe(firstText);
    // and a conditional request for the page the caller holds is answered 304, without a body
    // (node:http: fetch adds `Cache-Control: no-cache` to a conditional request)
    const unchanged = await new Promise<{ status: number; length: number }>((done, fail) => {
      const headers = {
        authorization: `Bearer ${ADMIN_KEY}`,
        'if-none-match': first.headers.get('etag') ?? '',
      };
      httpGet(`${svc.url}${path}`, { headers }, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => (length += chunk.length));
        res.on('end', () => done({ status: res.statusCode ?? 0, length }));
      }).on('error', fail);
    });
    expect(unchanged).toEqual({ status: 304, length: 0 });
    expect(firstText).toBe(
      JSON.stringify(await members.page(integrationId, { tab: 'unmatched', limit: 3 })),
    );
    expect(await next.text()).toBe(
      JSON.stringify(
        await members.page(integrationId, { tab: 'unmatched', limit: 3, cursor: cursor ?? '' }),
      ),
    );
    // and a refused cursor is still answered in the API's JSON error shape
    const refused = await get('&cursor=bm90LWEtY3Vyc29y');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await refused.json()).toMatchObject({ statusCode: 400, details: { field: 'cursor' } });
  });

  it('records nothing for members when nothing changed', async () => {
    const before = (await svc.events({ categories: ['member'] })).length;
    const task = await runCheck();
    expect(task.status).toBe('completed');
    expect(task.summary).toMatchObject({ membersAdded: 0, membersChanged: 0, membersGone: 0 });
    expect((await svc.events({ categories: ['member'] })).length).toBe(before);
  });

  it('records changes made directly on Pinterest as drift by actor pinterest', async () => {
    const changed: BusinessFixture = trickyBusiness();
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
      body: JSON.stringify(fixtureOf(changed)),
    });
    expect(reset.status).toBeLessThan(300);
    const before = await svc.head();

    const task = await runCheck();
    expect(task.summary).toMatchObject({ membersChanged: 2, membersGone: 1 });
    const drift = await svc.events({ categories: ['member'] }, before);
    expect(drift.map((e) => [e.type, e.metadata.actor]).sort()).toEqual(
      [
        ['MemberAssetPermissionsChanged', 'pinterest'],
        ['MemberBusinessRoleChanged', 'pinterest'],
        ['MemberLeftBusiness', 'pinterest'],
      ].sort(),
    );
    const left = drift.find((e) => e.type === 'MemberLeftBusiness');
    expect(left?.data).toMatchObject({ revokedAssets: { '5003': ['CATALOGS_MANAGER'] } });
    expect((await tab('unmatched')).items.map((m) => m.name)).not.toContain('Eve Park');
  });

  it('matches a member as soon as the directory provisions a fitting identity, and keeps a deactivated one readable', async () => {
    const res = await svc.scim<{ id: string }>(
      'POST',
      '/Users',
      scimUser('dan@agency.example', [{ value: 'DAN@agency.example' }]),
    );
    expect(res.status).toBe(201);
    const onboarded = await eventually(
      () => tab('onboarded'),
      (t) => t.items.some((m) => m.name === 'Dan Outsider'),
    );
    expect(onboarded.items.find((m) => m.name === 'Dan Outsider')?.matchedIdentity).toMatchObject({
      identityId: res.body.id,
      how: 'auto',
    });

    // Entra ID's shape: capitalised op, boolean as a string, no path.
    const patch = await svc.scim('PATCH', `/Users/${res.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', value: { active: 'False' } }],
    });
    expect(patch.status).toBe(200);
    const read = await svc.scim<{ active: boolean }>('GET', `/Users/${res.body.id}`);
    expect(read.body.active).toBe(false);
    const deprovisioned = await svc.events({ eventTypes: ['IdentityDeprovisioned'] });
    expect(deprovisioned.map((e) => e.stream)).toEqual([`identity-${res.body.id}`]);
  });

  it('asks again for a check while one runs: the running task answers', async () => {
    const first = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    const second = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(second.body.taskId).toBe(first.body.taskId);
    // A confirmation cannot ride on a check that began without it: refused, nothing appended.
    // The running check appends meanwhile: count what a refused request could have appended.
    const requests = async (): Promise<number> =>
      (await svc.events({ eventTypes: ['AutomationTaskQueued', 'CheckForUpdatesRequested'] }))
        .length;
    const before = await requests();
    const confirming = await svc.api<{ details: { reason: string; taskId: string } }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
      { confirmDepartures: true },
    );
    expect(confirming.status).toBe(409);
    expect(confirming.body.details).toMatchObject({
      reason: 'check_running',
      taskId: first.body.taskId,
    });
    expect(await requests()).toBe(before);
    await eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${first.body.taskId}`)).body,
      (t) => t.status === 'completed',
      60_000,
    );
    const list = await svc.api<{ items: Task[] }>(
      'GET',
      `/api/automation-tasks?integrationId=${integrationId}&status=completed`,
    );
    expect(list.body.items.length).toBeGreaterThanOrEqual(4);
    expect(list.body.items.every((t) => t.status === 'completed')).toBe(true);
  });

  it('the workspace policy checks every connected integration (the daily check)', async () => {
    const taskIds = await svc.app.get(DailyCheckScheduler).runOnce();
    expect(taskIds).toHaveLength(1);
    const task = await eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${taskIds[0]}`)).body,
      (t) => t.status === 'completed',
      60_000,
    );
    expect(task).toMatchObject({ trigger: 'workspace_policy', actor: 'workspace-policy' });
  });

  it('a wrong automation password ends the check not completed and asks to review the service account', async () => {
    const other = trickyBusiness({ id: '555000111222333444', name: 'Other' });
    await fetch(`${svc.simulator.url}/__sim/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtureOf(trickyBusiness(), other)),
    });
    const res = await svc.api<Card>('POST', '/api/integrations', {
      label: 'Other',
      businessId: '555000111222333444',
      loginMethod: 'password',
      automationAccount: { label: 'Robot 2', email: AUTOMATION.email, password: 'wrong-password' },
    });
    expect(res.status).toBe(201);
    const queued = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${res.body.id}/check-for-updates`,
    );
    const task = await eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${queued.body.taskId}`)).body,
      (t) => t.status === 'not_completed',
      60_000,
    );
    expect(task.error?.kind).toBe('invalid_credentials');
    const card = await svc.api<Card>('GET', `/api/integrations/${res.body.id}`);
    expect(card.body.health).toBe('review_service_account');
    const accounts = await svc.api<{ items: { label: string; status: string }[] }>(
      'GET',
      '/api/automation-accounts',
    );
    expect(accounts.body.items.find((a) => a.label === 'Robot 2')?.status).toBe('login_failed');
    expect(JSON.stringify(await svc.events())).not.toContain('wrong-password');
  });
});

import type { LogEntry } from '@app/simulator';

import { BOTH_SCOPES, registerApp } from '../pinterest/api-support';
import { finishedTask, type ServiceHarness, startService } from '../support/service-harness';
import { BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

const SECOND_BUSINESS = '987000000000000001';
const THIRD_BUSINESS = '987000000000000002';
const PUBLIC_BASE_URL = 'http://governance.test';

interface Card {
  id: string;
  connector: string;
  health: string;
  healthReason: string | null;
  automationAccountId: string | null;
  authorization: { scopes: string[]; missingScopes: string[]; tokenExpiresAt: string } | null;
}
interface Task {
  id: string;
  status: string;
  error: { kind: string } | null;
  summary: Record<string, unknown> | null;
}
interface Member {
  id: string;
  name: string;
}

describe('the API connector, end to end (service, saga, simulator over REST)', () => {
  let svc: ServiceHarness;

  const finished = (taskId: string) => finishedTask<Task>(svc, taskId, 60_000);
  const check = async (id: string) =>
    finished(
      (await svc.api<{ taskId: string }>('POST', `/api/integrations/${id}/check-for-updates`)).body
        .taskId,
    );
  const card = async (id: string) => (await svc.api<Card>('GET', `/api/integrations/${id}`)).body;
  const simLog = async (businessId: string): Promise<LogEntry[]> =>
    (await (
      await fetch(`${svc.simulator.url}/__sim/log?businessId=${businessId}`)
    ).json()) as LogEntry[];
  /** Every event of the log as text: where a leaked secret would show. */
  const logText = async () => JSON.stringify(await svc.events());

  beforeAll(async () => {
    svc = await startService(
      fixtureOf(
        trickyBusiness(),
        trickyBusiness({ id: SECOND_BUSINESS, name: 'Second' }),
        trickyBusiness({ id: THIRD_BUSINESS, name: 'Third' }),
      ),
      { PUBLIC_BASE_URL },
    );
  }, 60_000);
  afterAll(async () => svc?.close());

  it('connects with an app and refresh token, checks for updates and removes a member over the API', async () => {
    // given an app registered on Pinterest with both business-access scopes
    const app = await registerApp(svc.simulator.url, {
      businessId: BUSINESS_ID,
      scopes: BOTH_SCOPES,
    });

    // when connecting with connector api and no automation account
    const connected = await svc.api<Card>('POST', '/api/integrations', {
      label: 'Acme via API',
      businessId: BUSINESS_ID,
      connector: 'api',
      oauth: app,
    });

    // then the card shows the connector, the granted scopes and the token's expiry
    expect(connected.status).toBe(201);
    expect(connected.body).toMatchObject({
      connector: 'api',
      automationAccountId: null,
      health: 'requires_sync',
      authorization: { scopes: BOTH_SCOPES, missingScopes: [] },
    });
    expect(Date.parse(connected.body.authorization!.tokenExpiresAt)).toBeGreaterThan(Date.now());
    // and no secret of the app is in the log
    const text = await logText();
    for (const secret of [app.clientSecret, app.refreshToken]) expect(text).not.toContain(secret);

    // when checking for updates
    const task = await check(connected.body.id);

    // then it completed through the API, and says so
    expect(task).toMatchObject({
      status: 'completed',
      summary: expect.objectContaining({ channel: 'api' }),
    });
    expect((await card(connected.body.id)).health).toBe('healthy');
    const members = (
      await svc.api<{ items: Member[] }>(
        'GET',
        `/api/integrations/${connected.body.id}/members?tab=unmatched`,
      )
    ).body.items;
    const eve = members.find((m) => m.name === 'Eve Park')!;
    expect(eve).toBeDefined();

    // when removing Eve
    const removal = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${connected.body.id}/members/${eve.id}/remove`,
    );
    const removed = await finished(removal.body.taskId);

    // then Pinterest removed her once, through the API, and the task says which channel
    expect(removed).toMatchObject({
      status: 'completed',
      summary: expect.objectContaining({ channel: 'api', observed: 'removed' }),
    });
    expect((await simLog(BUSINESS_ID)).map((e) => [e.action, e.target, e.channel])).toEqual([
      ['remove_member', '1005', 'api'],
    ]);

    // and /metrics counts the read and the removal under the api connector, by outcome
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    for (const [kind, outcome] of [
      ['read_business', 'complete'],
      ['removal', 'removed'],
    ]) {
      expect(metrics).toMatch(
        new RegExp(
          `^pinterest_action_duration_seconds_count\\{connector="api",kind="${kind}",outcome="${outcome}"\\} [1-9]`,
          'm',
        ),
      );
    }
    expect(metrics).toMatch(
      /^check_duration_seconds_count\{connector="api",result="completed"\} [1-9]/m,
    );
  });

  it('refuses an api connection without oauth, naming the field, and appends nothing', async () => {
    const before = await svc.head();
    const res = await svc.api<{ message: string }>('POST', '/api/integrations', {
      label: 'No app',
      businessId: SECOND_BUSINESS,
      connector: 'api',
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('oauth');
    expect(await svc.head()).toEqual(before);
  });

  it('names a missing scope on the card; a revoked authorization fails the check as authorization', async () => {
    const readOnly = await registerApp(svc.simulator.url, {
      businessId: SECOND_BUSINESS,
      scopes: ['biz_access:read'],
    });
    const res = await svc.api<Card>('POST', '/api/integrations', {
      label: 'Read only',
      businessId: SECOND_BUSINESS,
      connector: 'api',
      oauth: readOnly,
    });
    expect(res.body).toMatchObject({
      health: 'review_configuration',
      authorization: { missingScopes: ['biz_access:write'] },
    });
    expect(res.body.healthReason).toContain('biz_access:write');

    // when the app's authorization is revoked on Pinterest, the next check cannot read
    await fetch(`${svc.simulator.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ revokeToken: readOnly.clientId }),
    });
    const task = await check(res.body.id);
    expect(task).toMatchObject({ status: 'not_completed', error: { kind: 'authorization' } });
    expect((await card(res.body.id)).health).toBe('review_service_account');
  });

  it('runs the authorization-code flow: awaiting, consent, callback once, then checks', async () => {
    const app = await registerApp(svc.simulator.url, {
      businessId: THIRD_BUSINESS,
      scopes: BOTH_SCOPES,
    });
    // given an api integration with the app's id and secret only
    const res = await svc.api<Card>('POST', '/api/integrations', {
      label: 'Third',
      businessId: THIRD_BUSINESS,
      connector: 'api',
      oauth: { clientId: app.clientId, clientSecret: app.clientSecret },
    });
    expect(res.body).toMatchObject({ health: 'awaiting_authorization', authorization: null });

    // when starting the authorization
    const started = await svc.api<{ authorizeUrl: string }>(
      'POST',
      `/api/integrations/${res.body.id}/oauth/start`,
    );
    expect(started.status).toBe(200);
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${PUBLIC_BASE_URL}/oauth/pinterest/callback`,
    );
    expect(authorize.searchParams.get('client_id')).toBe(app.clientId);

    // and the user gives access on Pinterest's consent page
    const consent = await fetch(authorize, { method: 'GET' });
    expect(consent.status).toBe(200);
    const given = await fetch(`${authorize.origin}/oauth/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...Object.fromEntries(authorize.searchParams),
        decision: 'allow',
      }).toString(),
    });
    const back = new URL(given.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(`${PUBLIC_BASE_URL}/oauth/pinterest/callback`);

    // then Pinterest's redirect (outside /api, no key) completes it once
    const callback = `${svc.url}/oauth/pinterest/callback${back.search}`;
    const done = await fetch(callback);
    expect(done.status).toBe(200);
    expect(await card(res.body.id)).toMatchObject({
      health: 'requires_sync',
      authorization: { scopes: BOTH_SCOPES, missingScopes: [] },
    });
    const again = await fetch(callback);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { message: string }).message).toContain('state');
    expect(await logText()).not.toContain(back.searchParams.get('state')!);

    // and the integration checks for updates through the API
    expect((await check(res.body.id)).status).toBe('completed');
  });
});

import { demoFixture, DEMO_AUTOMATION_ACCOUNT, DEMO_BUSINESS_ID } from './demo-fixture';
import { startSimulator, type RunningSimulator } from './server';
import type { LogEntry, SimulatorFixture } from './types';

/** The control API and the pages over plain HTTP; the browser tests are in test/pinterest. */
describe('simulator server', () => {
  let sim: RunningSimulator;
  const post = (path: string, body: unknown) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const login = async (email: string, password: string) => {
    const r = await fetch(`${sim.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ email, password, next: '/' }),
      redirect: 'manual',
    });
    return {
      status: r.status,
      cookie: r.headers.get('set-cookie')?.split(';')[0],
      text: await r.text(),
    };
  };
  const page = (path: string, cookie?: string) =>
    fetch(`${sim.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, fixture: demoFixture() });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    expect((await post('/__sim/reset', demoFixture())).status).toBe(200);
  });

  it('returns the fixture it was reset with', async () => {
    const state = (await (await page('/__sim/state')).json()) as SimulatorFixture;
    const business = state.businesses[0]!;
    const given = demoFixture().businesses[0]!;
    expect(business.members.map((m) => m.id)).toEqual(given.members.map((m) => m.id));
    expect(business.grants).toHaveLength(given.grants!.length);
    expect(business.partners?.[1]).toEqual(given.partners![1]);
  });

  it('refuses a malformed fixture with 400 and keeps the old state', async () => {
    const r = await post('/__sim/reset', { businesses: [{ id: 'x' }] });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/businesses\[0\]\.name/);
    expect(
      ((await (await page('/__sim/state')).json()) as SimulatorFixture).businesses[0]!.id,
    ).toBe(DEMO_BUSINESS_ID);
  });

  it('generates the same business for the same seed', async () => {
    const body = {
      businessId: '123456789012345678',
      members: 300,
      adAccounts: 5,
      grantsPerMember: 1,
      partners: 2,
      seed: 3,
    };
    const first = await (await post('/__sim/generate', body)).json();
    const state1 = JSON.stringify(
      ((await (await page('/__sim/state')).json()) as SimulatorFixture).businesses[1],
    );
    await post('/__sim/generate', body);
    const state2 = JSON.stringify(
      ((await (await page('/__sim/state')).json()) as SimulatorFixture).businesses[1],
    );
    expect(first).toMatchObject({
      businessId: body.businessId,
      members: 301,
      grants: 300,
      partners: 2,
    });
    expect(state2).toBe(state1);
    expect((await post('/__sim/generate', { members: 1 })).status).toBe(400);
  });

  it('sends a logged-out visitor to the login page and back', async () => {
    const r = await page(`/business/business-access/${DEMO_BUSINESS_ID}/employees?page=2`);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent(`/business/business-access/${DEMO_BUSINESS_ID}/employees?page=2`)}`,
    );
  });

  it('shows an Employee "You don\'t have permission" and refuses their changes', async () => {
    const { cookie } = await login('jon.park@acme-home.example', 'demo-jon-password');
    const list = await page(`/business/business-access/${DEMO_BUSINESS_ID}/employees`, cookie);
    expect(list.status).toBe(403);
    expect(await list.text()).toContain('You don&#39;t have permission');
    const remove = await fetch(
      `${sim.url}/business/business-access/${DEMO_BUSINESS_ID}/employees/500000000000000004/remove`,
      { method: 'POST', headers: { cookie: cookie! }, redirect: 'manual' },
    );
    expect(remove.status).toBe(403);
    expect(await (await page('/__sim/log')).json()).toEqual([]);
  });

  it('logs a change made through a form with who made it', async () => {
    const { cookie } = await login(DEMO_AUTOMATION_ACCOUNT.email, DEMO_AUTOMATION_ACCOUNT.password);
    const r = await fetch(
      `${sim.url}/business/business-access/${DEMO_BUSINESS_ID}/employees/invite`,
      {
        method: 'POST',
        headers: { cookie: cookie!, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ role: 'EMPLOYEE', emails: 'a@new.example, b@new.example' }),
        redirect: 'manual',
      },
    );
    expect(r.status).toBe(303);
    const log = (await (await page('/__sim/log')).json()) as LogEntry[];
    expect(log.map((e) => [e.action, e.target, e.by])).toEqual([
      ['invite', 'a@new.example', DEMO_AUTOMATION_ACCOUNT.email],
      ['invite', 'b@new.example', DEMO_AUTOMATION_ACCOUNT.email],
    ]);
  });

  it('injects faults: failing requests, rate limiting, and ending sessions', async () => {
    const { cookie } = await login(DEMO_AUTOMATION_ACCOUNT.email, DEMO_AUTOMATION_ACCOUNT.password);
    const home = `/business/business-access/${DEMO_BUSINESS_ID}/`;
    await post('/__sim/faults', { failNext: 2, failStatus: 502 });
    expect((await page(home, cookie)).status).toBe(502);
    expect((await page(home, cookie)).status).toBe(502);
    expect((await page(home, cookie)).status).toBe(200);

    await post('/__sim/faults', { rateLimitNextLogin: true });
    const limited = await login(DEMO_AUTOMATION_ACCOUNT.email, DEMO_AUTOMATION_ACCOUNT.password);
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Too many attempts. Try again later');

    expect(((await (await page('/__sim/sessions')).json()) as unknown[]).length).toBe(1);
    await post('/__sim/faults', { expireSessions: true });
    expect((await page(home, cookie)).status).toBe(303);
    expect(await (await page('/__sim/sessions')).json()).toEqual([]);

    expect((await post('/__sim/faults', { nonsense: true })).status).toBe(400);
  });

  it('hideRows: the next N Employees lists leave out their last row, the count still says all', async () => {
    // given a logged-in Manager and the fault for two renders
    const { cookie } = await login(DEMO_AUTOMATION_ACCOUNT.email, DEMO_AUTOMATION_ACCOUNT.password);
    const list = `/business/business-access/${DEMO_BUSINESS_ID}/employees?pageSize=100`;
    const people = demoFixture().businesses[0]!.members.length;
    const read = async () => {
      const text = await (await page(list, cookie)).text();
      return {
        rows: (text.match(/data-member-id=/g) ?? []).length,
        count: /Showing 1–(\d+) of (\d+) people/.exec(text)?.slice(1).map(Number),
      };
    };
    expect((await post('/__sim/faults', { hideRows: 2 })).status).toBe(200);

    // when the list is rendered three times
    const [first, second, third] = [await read(), await read(), await read()];

    // then the first two miss one row while stating the total, the third is whole
    expect(first).toEqual({ rows: people - 1, count: [people, people] });
    expect(second).toEqual({ rows: people - 1, count: [people, people] });
    expect(third).toEqual({ rows: people, count: [people, people] });
    expect((await post('/__sim/faults', { hideRows: -1 })).status).toBe(400);
    expect((await post('/__sim/faults', { hideRows: 'all' })).status).toBe(400);
  });

  it('holds every UI response for latencyMs', async () => {
    await post('/__sim/faults', { latencyMs: 150 });
    const started = Date.now();
    await page('/login');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hands out the last verification code sent to an email', async () => {
    expect((await page('/__sim/codes?email=maria.lopez@acme-home.example')).status).toBe(404);
    const r = await login('maria.lopez@acme-home.example', 'demo-maria-password');
    expect(r.status).toBe(303);
    const code = (await (
      await page('/__sim/codes?email=maria.lopez@acme-home.example')
    ).json()) as {
      code: string;
      kind: string;
    };
    expect(code.code).toMatch(/^\d{6}$/);
    expect(code.kind).toBe('TWO_FACTOR');
  });
});

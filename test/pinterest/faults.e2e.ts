import { readFileSync } from 'node:fs';

import {
  ChallengeRequired,
  createPlaywrightGateway,
  RateLimited,
  Transient,
  type PinterestBusinessGateway,
} from '@app/pinterest';
import { startSimulator, type RunningSimulator } from '@app/simulator';

import {
  BUSINESS_ID,
  caught,
  expectEvidence,
  MANAGER,
  SimControl,
  tempDataDir,
  testFixture,
} from './support';

describe('the Playwright gateway under injected faults', () => {
  let sim: RunningSimulator;
  let control: SimControl;
  let gateway: PinterestBusinessGateway;
  const data = tempDataDir();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    control = new SimControl(sim.url);
    gateway = createPlaywrightGateway({
      baseUrl: sim.url,
      dataDir: data.dir,
      retries: 2,
      retryDelayMs: 50,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await sim.close();
    data.remove();
  });
  beforeEach(async () => {
    await control.reset();
    await gateway.login(MANAGER);
  });

  it('rides out a failed request: the change is retried and made once', async () => {
    // given Pinterest will fail the next request with a 503
    await control.faults({ failNext: 1 });

    // when removing someone
    const result = await gateway.removeMember(BUSINESS_ID, '904');

    // then the call succeeded on a retry, and the removal happened exactly once
    expect(result.outcome).toBe('removed');
    expect((await control.log()).map((e) => e.action)).toEqual(['remove_member']);
  });

  it('rides out a failed page during a snapshot with the failStatus asked for', async () => {
    await control.faults({ failNext: 2, failStatus: 500 });
    const snapshot = await gateway.fetchSnapshot(BUSINESS_ID);
    expect(snapshot.members).toHaveLength(6);
    expect(snapshot.warnings).toEqual([]);
  });

  it('marks a snapshot incomplete, with a warning and evidence, when the Employees list lists fewer people than it states', async () => {
    // given the Employees list will silently leave out its last row once
    await control.faults({ hideRows: 1 });

    // when taking a snapshot
    const snapshot = await gateway.fetchSnapshot(BUSINESS_ID);

    // then it read five of the six people, and says it is not complete and why
    expect(snapshot.members.map((m) => m.id)).toEqual(['900', '901', '902', '903', '904']);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.warnings).toEqual([
      expect.stringMatching(/states "Showing 1–6 of 6 people" but lists 5 people/),
      'Employees said 6 people, 5 were read',
    ]);
    // and kept the page as it was: a screenshot, its HTML (five rows) and the trace
    expect(snapshot.evidence).toHaveLength(1);
    expectEvidence(snapshot.evidence[0]);
    const html = readFileSync(snapshot.evidence[0]!.htmlPath!, 'utf8');
    expect(html.match(/data-member-id=/g)).toHaveLength(5);

    // and the next snapshot, the fault spent, is whole again
    const next = await gateway.fetchSnapshot(BUSINESS_ID);
    expect(next).toMatchObject({ complete: true, warnings: [], evidence: [] });
    expect(next.members).toHaveLength(6);
  });

  it('gives up with a retryable Transient, and evidence, when failures persist', async () => {
    // given every request for a while fails
    await control.faults({ failNext: 50, failStatus: 503 });

    // when taking a snapshot
    const error = await caught(() => gateway.fetchSnapshot(BUSINESS_ID));

    // then it is a Transient failure the caller may retry, with a screenshot and a trace
    expect(error).toBeInstanceOf(Transient);
    expect((error as Transient).retryable).toBe(true);
    expectEvidence((error as Transient).evidence);
    // and it gave up after its retries instead of hammering: three attempts, nothing more
    const state = (await (await fetch(`${sim.url}/__sim/faults`)).json()) as { failNext: number };
    expect(50 - state.failNext).toBeLessThanOrEqual(6);
  });

  it('waits out latency, and calls it Transient when a page takes longer than the time limit', async () => {
    // given Pinterest answers every page 400 ms late
    await control.faults({ latencyMs: 400 });

    // when removing someone with the normal time limit
    const started = Date.now();
    await expect(gateway.removeMember(BUSINESS_ID, '903')).resolves.toMatchObject({
      outcome: 'removed',
    });

    // then it worked, at least three page loads slower (read, submit, re-read)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);

    // and a gateway with a 300 ms limit reports the slowness as Transient
    const impatient = createPlaywrightGateway({
      baseUrl: sim.url,
      dataDir: data.dir,
      timeoutMs: 300,
      retries: 0,
    });
    try {
      await control.faults({ latencyMs: 0 });
      await impatient.login(MANAGER);
      await control.faults({ latencyMs: 1500 });
      const error = await caught(() => impatient.removeMember(BUSINESS_ID, '904'));
      expect(error).toBeInstanceOf(Transient);
      expect(error.message).toMatch(/in time/);
    } finally {
      await control.faults({ latencyMs: 0 });
      await impatient.close();
    }
  });

  it('logs in again by itself when Pinterest ends the session', async () => {
    // given the session the gateway holds
    const before = await control.sessions();
    expect(before).toHaveLength(1);

    // when Pinterest expires every session, then the gateway is used
    await control.faults({ expireSessions: true });
    expect(await control.sessions()).toEqual([]);
    const result = await gateway.changeRole(BUSINESS_ID, '903', 'MANAGER');

    // then the call went through on a new session of the same account
    expect(result.outcome).toBe('changed');
    const after = await control.sessions();
    expect(after.map((s) => s.email)).toEqual([MANAGER.email]);
    expect(after[0]!.createdAt > before[0]!.createdAt).toBe(true);
  });

  it('stops with ChallengeRequired when the new login after an expiry is challenged, and resumes', async () => {
    // given an expired session and a suspicious-login challenge waiting
    await control.faults({ expireSessions: true, challengeNextLogin: true });

    // when the gateway needs to log in again
    const error = await caught(() => gateway.removeMember(BUSINESS_ID, '904'));

    // then the caller is asked for the code, and nothing was changed
    expect(error).toBeInstanceOf(ChallengeRequired);
    expect(await control.log()).toEqual([]);
    // and with the code the gateway carries on
    await gateway.resumeLogin(await control.code(MANAGER.email));
    await expect(gateway.removeMember(BUSINESS_ID, '904')).resolves.toMatchObject({
      outcome: 'removed',
    });
  });

  it('reports a rate-limited login as RateLimited when a new login is needed', async () => {
    await control.faults({ expireSessions: true, rateLimitNextLogin: true });
    const error = await caught(() => gateway.fetchSnapshot(BUSINESS_ID));
    expect(error).toBeInstanceOf(RateLimited);
    expect(await control.log()).toEqual([]);
  });

  it('logs in again after a session simply times out', async () => {
    // given a Pinterest whose sessions last one second
    const shortLived = await startSimulator({
      port: 0,
      fixture: testFixture(),
      sessionTtlMs: 1000,
    });
    const g = createPlaywrightGateway({ baseUrl: shortLived.url, dataDir: data.dir });
    try {
      await g.login(MANAGER);

      // when the gateway is used after the session has run out
      await new Promise((r) => setTimeout(r, 1100));
      const snapshot = await g.fetchSnapshot(BUSINESS_ID);

      // then it logged in again and read everything
      expect(snapshot.members).toHaveLength(6);
    } finally {
      await g.close();
      await shortLived.close();
    }
  });
});

import {
  ChallengeRequired,
  createPlaywrightGateway,
  InvalidCredentials,
  RateLimited,
  type PinterestBusinessGateway,
} from '@app/pinterest';
import { startSimulator, type RunningSimulator } from '@app/simulator';

import {
  ALL_SECRETS,
  BUSINESS_ID,
  caught,
  EMPLOYEE,
  evidenceContains,
  expectEvidence,
  MANAGER,
  SimControl,
  tempDataDir,
  TWO_FACTOR,
} from './support';

describe('Pinterest login through the Playwright gateway', () => {
  let sim: RunningSimulator;
  let control: SimControl;
  let gateway: PinterestBusinessGateway;
  const data = tempDataDir();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    control = new SimControl(sim.url);
    gateway = createPlaywrightGateway({ baseUrl: sim.url, dataDir: data.dir, retryDelayMs: 50 });
  });
  afterAll(async () => {
    await gateway.close();
    await sim.close();
    data.remove();
  });
  beforeEach(() => control.reset());

  it('logs in a Manager and lists the businesses the account is part of', async () => {
    // given the automation account of the test business
    // when it logs in
    const result = await gateway.login(MANAGER);

    // then the login lands on Business Manager, with only the business it belongs to
    expect(result).toEqual({
      email: MANAGER.email,
      businesses: [{ id: BUSINESS_ID, name: 'Test Home & Garden', role: 'MANAGER' }],
    });
    // and the simulator holds one session for it
    expect((await control.sessions()).map((s) => s.email)).toEqual([MANAGER.email]);
  });

  it('refuses a wrong password with InvalidCredentials, evidence, and no secret anywhere', async () => {
    // when logging in with a wrong password
    const wrong = 'Not-The-Password-123';
    const error = await caught(() => gateway.login({ email: MANAGER.email, password: wrong }));

    // then the error says which secret was refused, without quoting it or the full email
    expect(error).toBeInstanceOf(InvalidCredentials);
    expect((error as InvalidCredentials).reason).toBe('password');
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(MANAGER.email);
    // and a screenshot and a trace were kept
    expectEvidence((error as InvalidCredentials).evidence);
    // and neither the wrong nor any right password is in any evidence file
    for (const secret of [wrong, ...ALL_SECRETS]) {
      expect(evidenceContains(data.dir, secret)).toEqual([]);
    }
  });

  it('never writes a password or a full email to its log', async () => {
    // given a gateway whose log we keep
    const lines: string[] = [];
    const logged = createPlaywrightGateway({
      baseUrl: sim.url,
      dataDir: data.dir,
      logger: { log: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    try {
      // when it fails a login, logs in, and works
      await caught(() => logged.login({ email: MANAGER.email, password: 'Typo-Password-55' }));
      await logged.login(MANAGER);
      await logged.fetchSnapshot(BUSINESS_ID);
    } finally {
      await logged.close();
    }

    // then the log tells what happened, naming the account only masked
    expect(lines.some((l) => l.includes('a***@test.example'))).toBe(true);
    expect(lines.some((l) => /snapshot done/.test(l))).toBe(true);
    for (const secret of ['Typo-Password-55', MANAGER.password, MANAGER.email]) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });

  it('refuses an unknown account', async () => {
    const error = await caught(() =>
      gateway.login({ email: 'nobody@test.example', password: 'x' }),
    );
    expect(error).toBeInstanceOf(InvalidCredentials);
    expect((error as InvalidCredentials).reason).toBe('unknown_account');
  });

  it('locks the account after five wrong passwords, then refuses even the right one', async () => {
    // given four wrong passwords, each refused as such
    for (let i = 0; i < 4; i++) {
      const e = await caught(() =>
        gateway.login({ email: EMPLOYEE.email, password: `wrong-${i}` }),
      );
      expect(e).toBeInstanceOf(InvalidCredentials);
    }

    // when the fifth is wrong too
    const fifth = await caught(() => gateway.login({ email: EMPLOYEE.email, password: 'wrong-5' }));

    // then Pinterest says "Too many attempts", and the gateway reports RateLimited
    expect(fifth).toBeInstanceOf(RateLimited);
    expect((fifth as RateLimited).retryable).toBe(true);
    expect((fifth as RateLimited).retryAfterMs).toBeGreaterThan(0);
    // and the right password is refused the same way while the lock lasts
    expect(await caught(() => gateway.login(EMPLOYEE))).toBeInstanceOf(RateLimited);
  });

  it('stops at the two-factor step with ChallengeRequired and resumes with the code', async () => {
    // given an account with two-factor login
    // when it logs in without a way to get codes
    const error = await caught(() => gateway.login(TWO_FACTOR));

    // then the login waits for a code
    expect(error).toBeInstanceOf(ChallengeRequired);
    expect((error as ChallengeRequired).kind).toBe('TWO_FACTOR');
    expect(await control.sessions()).toEqual([]);

    // and the code that was sent finishes it
    const result = await gateway.resumeLogin(await control.code(TWO_FACTOR.email));
    expect(result.businesses.map((b) => b.id)).toEqual([BUSINESS_ID]);
    expect((await control.sessions()).map((s) => s.email)).toEqual([TWO_FACTOR.email]);
  });

  it('refuses a wrong two-factor code as InvalidCredentials', async () => {
    await caught(() => gateway.login(TWO_FACTOR));
    const sent = await control.code(TWO_FACTOR.email);
    const error = await caught(() => gateway.resumeLogin(sent === '000000' ? '111111' : '000000'));
    expect(error).toBeInstanceOf(InvalidCredentials);
    expect((error as InvalidCredentials).reason).toBe('verification_code');
  });

  it('answers the two-factor step itself when the credentials can fetch codes', async () => {
    // given credentials that know where codes arrive
    const kinds: string[] = [];
    const credentials = {
      ...TWO_FACTOR,
      verificationCode: async ({ kind }: { kind: string }) => {
        kinds.push(kind);
        return control.code(TWO_FACTOR.email);
      },
    };

    // when logging in
    const result = await gateway.login(credentials);

    // then no challenge reaches the caller
    expect(result.email).toBe(TWO_FACTOR.email);
    expect(kinds).toEqual(['TWO_FACTOR']);
  });

  it('meets an injected suspicious-login challenge and resumes with the code', async () => {
    // given Pinterest will find the next login suspicious
    await control.faults({ challengeNextLogin: true });

    // when the Manager logs in
    const error = await caught(() => gateway.login(MANAGER));

    // then it is a suspicious-login challenge, with evidence of the page
    expect(error).toBeInstanceOf(ChallengeRequired);
    expect((error as ChallengeRequired).kind).toBe('SUSPICIOUS_LOGIN');
    expectEvidence((error as ChallengeRequired).evidence);
    // and the emailed code lets it through
    const result = await gateway.resumeLogin(await control.code(MANAGER.email));
    expect(result.email).toBe(MANAGER.email);
    // and the next login is not challenged again
    await expect(gateway.login(MANAGER)).resolves.toMatchObject({ email: MANAGER.email });
  });

  it('reports an injected rate limit on login as RateLimited', async () => {
    await control.faults({ rateLimitNextLogin: true });
    expect(await caught(() => gateway.login(MANAGER))).toBeInstanceOf(RateLimited);
    await expect(gateway.login(MANAGER)).resolves.toMatchObject({ email: MANAGER.email });
  });
});

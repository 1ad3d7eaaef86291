import {
  AuthorizationFailed,
  createApiGateway,
  RateLimited,
  Transient,
  type PinterestApiGatewayOptions,
  type TokenInfo,
} from '@app/pinterest';
import { startSimulator, type RunningSimulator } from '@app/simulator';

import { BOTH_SCOPES, registerApp } from './api-support';
import { BUSINESS_ID, caught, SimControl, testFixture } from './support';

describe('the API gateway: tokens, rate limits and server errors', () => {
  let sim: RunningSimulator;
  let control: SimControl;
  const gatewayWith = async (
    extra: Partial<PinterestApiGatewayOptions> = {},
    scopes = BOTH_SCOPES,
  ) =>
    createApiGateway({
      baseUrl: `${sim.url}/v5`,
      ...(await registerApp(sim.url, { businessId: BUSINESS_ID, scopes })),
      retryDelayMs: 20,
      ...extra,
    });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, fixture: testFixture() });
    control = new SimControl(sim.url);
  });
  afterAll(() => sim.close());
  beforeEach(() => control.reset());

  it('refreshes an access token that expired, and before expiry when within the margin', async () => {
    // given a gateway with a token, told each time it gets one
    const tokens: TokenInfo[] = [];
    const gateway = await gatewayWith({ onToken: (t) => tokens.push(t) });
    await gateway.login();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.scopes).toEqual(BOTH_SCOPES);
    expect(Date.parse(tokens[0]!.expiresAt)).toBeGreaterThan(Date.now() + 24 * 3600_000);

    // when Pinterest expires every token, then the next read refreshes once and succeeds
    await control.faults({ expireTokens: true });
    expect((await gateway.fetchSnapshot(BUSINESS_ID)).complete).toBe(true);
    expect(tokens).toHaveLength(2);

    // and a gateway whose margin exceeds the token's life refreshes before each call
    const eager: TokenInfo[] = [];
    const early = await gatewayWith({
      refreshMarginMs: 40 * 24 * 3600_000,
      onToken: (t) => eager.push(t),
    });
    await early.changeRole(BUSINESS_ID, '903', 'EMPLOYEE');
    expect(eager.length).toBeGreaterThanOrEqual(1);
    await early.changeRole(BUSINESS_ID, '903', 'EMPLOYEE');
    expect(eager.length).toBeGreaterThanOrEqual(2);
  });

  it('a revoked authorization is an AuthorizationFailed, not retried', async () => {
    const gateway = await gatewayWith();
    await gateway.login();
    await control.faults({ revokeToken: true });
    const error = await caught(() => gateway.removeMember(BUSINESS_ID, '904'));
    expect(error).toBeInstanceOf(AuthorizationFailed);
    expect(error.message).not.toMatch(/pinr\.|sec_/);
    expect(await control.log()).toEqual([]);
  });

  it('a token without biz_access:write is refused at login and on a change, naming the scope', async () => {
    const gateway = await gatewayWith({}, ['biz_access:read']);
    const atLogin = await caught(() => gateway.login());
    expect(atLogin).toBeInstanceOf(AuthorizationFailed);
    expect((atLogin as AuthorizationFailed).missingScope).toBe('biz_access:write');
    // reads still work with the read scope
    expect((await gateway.fetchSnapshot(BUSINESS_ID)).members).toHaveLength(6);
    const onChange = await caught(() => gateway.removeMember(BUSINESS_ID, '904'));
    expect(onChange).toBeInstanceOf(AuthorizationFailed);
    expect((onChange as AuthorizationFailed).missingScope).toBe('biz_access:write');
  });

  it('waits for Retry-After on a 429 and goes on; gives up as RateLimited after its retries', async () => {
    const gateway = await gatewayWith();
    await gateway.login();
    // when the next two calls are rate limited (Retry-After: 1)
    await control.faults({ rateLimitApi: 2 });
    const started = Date.now();
    const result = await gateway.changeRole(BUSINESS_ID, '903', 'MANAGER');
    // then the change went through after waiting about two seconds, not the 20 ms back-off
    expect(result.outcome).toBe('changed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);

    const impatient = await gatewayWith({ retries: 1 });
    await impatient.login();
    await control.faults({ rateLimitApi: 5 });
    const error = await caught(() => impatient.removeMember(BUSINESS_ID, '904'));
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterMs).toBe(1000);
  });

  it('retries server errors with back-off, then gives up as Transient', async () => {
    const gateway = await gatewayWith({ retries: 2 });
    await gateway.login();
    await control.faults({ failNextApi: 2 });
    expect((await gateway.removeMember(BUSINESS_ID, '904')).outcome).toBe('removed');
    await control.faults({ failNextApi: 100 });
    expect(await caught(() => gateway.fetchSnapshot(BUSINESS_ID))).toBeInstanceOf(Transient);
  });
});

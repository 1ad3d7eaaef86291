import { fold } from '../shared/decider';
import { healthAfterCheck, healthOfFailure, evolveHealth, NEVER_CHECKED } from './health';
import { integrationDecider as d, type IntegrationCommand } from './integration.decider';
import type { IntegrationEvent } from './integration.events';

const connected: IntegrationEvent = {
  type: 'IntegrationConnected',
  data: {
    integrationId: 'i1',
    label: 'Acme',
    businessId: '123',
    loginMethod: 'password',
    automationAccountId: 'a1',
  },
};
const requested = (taskId: string): IntegrationEvent => ({
  type: 'CheckForUpdatesRequested',
  data: { integrationId: 'i1', taskId, trigger: 'web_app' },
});
const finish = (
  taskId: string,
  failure?: { kind: string; message: string },
): IntegrationCommand => ({
  type: 'FinishCheck',
  taskId,
  outcome: failure ? { result: 'not_completed', failure } : { result: 'completed' },
});
/** Runs a command on the state the events make, and returns the history with its events. */
const run = (history: IntegrationEvent[], command: IntegrationCommand): IntegrationEvent[] => [
  ...history,
  ...d.decide(command, fold(d, history)),
];
const unreachable = { kind: 'transient', message: 'the page could not be loaded: ECONNREFUSED' };

describe('integration decider: health follows the last check', () => {
  it('given a new integration, then it requires a sync because it was never checked', () => {
    const state = fold(d, [connected]);
    expect({ health: state.health, reason: state.healthReason }).toEqual(NEVER_CHECKED);
  });

  it('given a running check, when it completes, then the check ends and the integration is healthy', () => {
    const events = d.decide(finish('t1'), fold(d, [connected, requested('t1')]));
    expect(events).toEqual([
      {
        type: 'CheckForUpdatesFinished',
        data: { integrationId: 'i1', taskId: 't1', result: 'completed' },
      },
      {
        type: 'IntegrationHealthChanged',
        data: {
          integrationId: 'i1',
          from: 'requires_sync',
          to: 'healthy',
          reason: 'check completed',
        },
      },
    ]);
  });

  it('given a healthy integration, when a check fails because the site is unreachable, then it is no longer healthy and says why', () => {
    const healthy = run([connected, requested('t1')], finish('t1'));
    const events = d.decide(finish('t2', unreachable), fold(d, [...healthy, requested('t2')]));
    expect(events).toEqual([
      {
        type: 'CheckForUpdatesFinished',
        data: { integrationId: 'i1', taskId: 't2', result: 'not_completed', failure: unreachable },
      },
      {
        type: 'IntegrationHealthChanged',
        data: {
          integrationId: 'i1',
          from: 'healthy',
          to: 'requires_sync',
          reason:
            'last check not completed (transient): the page could not be loaded: ECONNREFUSED',
        },
      },
    ]);
  });

  it('given a failed check, when the next check completes, then it is healthy again', () => {
    let history = run([connected, requested('t1')], finish('t1', unreachable));
    history = run([...history, requested('t2')], finish('t2'));
    const state = fold(d, history);
    expect([state.health, state.healthReason]).toEqual(['healthy', 'check completed']);
  });

  it('given a failed check, when the next one fails otherwise, then the reason changes even though the health does not', () => {
    let history = run([connected, requested('t1')], finish('t1', unreachable));
    const partial = {
      kind: 'partial_snapshot',
      message: 'the snapshot is not known to be complete',
    };
    history = run([...history, requested('t2')], finish('t2', partial));
    expect(history.at(-1)).toMatchObject({
      type: 'IntegrationHealthChanged',
      data: {
        from: 'requires_sync',
        to: 'requires_sync',
        reason: expect.stringMatching(/partial_snapshot/),
      },
    });
  });

  it('given a completed check on a healthy integration, when another completes, then only the end of the check is recorded', () => {
    const history = run([connected, requested('t1')], finish('t1'));
    expect(
      d.decide(finish('t2'), fold(d, [...history, requested('t2')])).map((e) => e.type),
    ).toEqual(['CheckForUpdatesFinished']);
  });

  it('given no running check of that task, when finished, then nothing is recorded', () => {
    expect(d.decide(finish('other', unreachable), fold(d, [connected, requested('t1')]))).toEqual(
      [],
    );
  });

  it('given a check, when an admin confirms departures, then the request carries the confirmation', () => {
    expect(
      d.decide(
        { type: 'CheckForUpdates', taskId: 't1', trigger: 'web_app', confirmDepartures: true },
        fold(d, [connected]),
      ),
    ).toEqual([
      {
        type: 'CheckForUpdatesRequested',
        data: { integrationId: 'i1', taskId: 't1', trigger: 'web_app', confirmDepartures: true },
      },
    ]);
    expect(
      d.decide({ type: 'CheckForUpdates', taskId: 't1', trigger: 'web_app' }, fold(d, [connected])),
    ).toEqual([requested('t1')]);
  });

  it('given a health, when an action changes it to the same health with another reason, then the reason is recorded', () => {
    const history = run([connected], {
      type: 'ChangeHealth',
      to: 'review_service_account',
      reason: 'wrong password',
    });
    expect(
      d.decide(
        { type: 'ChangeHealth', to: 'review_service_account', reason: 'wrong password' },
        fold(d, history),
      ),
    ).toEqual([]);
    expect(
      d.decide(
        { type: 'ChangeHealth', to: 'review_service_account', reason: 'a code is asked for' },
        fold(d, history),
      ),
    ).toHaveLength(1);
  });
});

describe('health rules', () => {
  it.each([
    ['invalid_credentials', 'review_service_account'],
    ['challenge_required', 'review_service_account'],
    ['permission_denied', 'review_configuration'],
    ['business_not_found', 'review_configuration'],
    ['transient', 'requires_sync'],
    ['rate_limited', 'requires_sync'],
    ['unexpected_page', 'requires_sync'],
    ['partial_snapshot', 'requires_sync'],
    ['safeguard', 'requires_sync'],
  ])('given a check not completed with %s, then the health is %s', (kind, health) => {
    expect(healthAfterCheck({ result: 'not_completed', failure: { kind, message: 'm' } })).toEqual({
      health,
      reason: `last check not completed (${kind}): m`,
    });
  });

  it('given a check of a disconnected integration, then it says nothing of the health', () => {
    expect(
      healthAfterCheck({
        result: 'not_completed',
        failure: { kind: 'integration_disconnected', message: 'm' },
      }),
    ).toBeNull();
  });

  it('given a failure of an action, then only the account and the configuration say something lasting', () => {
    expect(healthOfFailure({ kind: 'invalid_credentials', message: 'm' })).toBe(
      'review_service_account',
    );
    expect(healthOfFailure({ kind: 'transient', message: 'm' })).toBeNull();
  });

  it('given the events, when folded, then the read model and the decider agree', () => {
    const history = run([connected, requested('t1')], finish('t1', unreachable));
    const folded = history.reduce(evolveHealth, NEVER_CHECKED);
    const state = fold(d, history);
    expect(folded).toEqual({ health: state.health, reason: state.healthReason });
  });
});

describe('integration decider: the API connector and its authorization', () => {
  const oauth = { clientIdRef: 'v1', clientSecretRef: 'v2', refreshTokenRef: null };
  const apiConnected: IntegrationEvent = {
    type: 'IntegrationConnected',
    data: {
      integrationId: 'i2',
      label: 'Acme API',
      businessId: '456',
      connector: 'api',
      loginMethod: null,
      automationAccountId: null,
      oauth,
    },
  };
  const started: IntegrationEvent = {
    type: 'IntegrationAuthorizationStarted',
    data: { integrationId: 'i2', stateHash: 'h1', expiresAt: '2026-01-01T00:10:00.000Z' },
  };
  const authorize = (
    over: Partial<Extract<IntegrationCommand, { type: 'RecordAuthorization' }>> = {},
  ) =>
    ({
      type: 'RecordAuthorization',
      stateHash: 'h1',
      now: '2026-01-01T00:05:00.000Z',
      refreshTokenRef: 'v3',
      scopes: ['read', 'write'],
      tokenExpiresAt: '2026-01-31T00:05:00.000Z',
      missingScopes: [],
      ...over,
    }) as IntegrationCommand;

  it('given an api integration without a refresh token, then it awaits authorization', () => {
    expect(fold(d, [apiConnected]).health).toBe('awaiting_authorization');
  });

  it('when connecting with connector api but no app, then it is refused', () => {
    expect(() =>
      d.decide(
        {
          type: 'ConnectIntegration',
          integrationId: 'i3',
          label: 'x',
          businessId: '1',
          connector: 'api',
          loginMethod: null,
          automationAccountId: null,
        },
        d.initialState,
      ),
    ).toThrow(/oauth/);
  });

  it('given a started authorization, when its state comes back in time, then it is authorized and ready for a check, once', () => {
    const history = run([apiConnected, started], authorize());
    expect(history.slice(2)).toEqual([
      {
        type: 'IntegrationAuthorized',
        data: {
          integrationId: 'i2',
          refreshTokenRef: 'v3',
          scopes: ['read', 'write'],
          tokenExpiresAt: '2026-01-31T00:05:00.000Z',
          missingScopes: [],
        },
      },
      {
        type: 'IntegrationHealthChanged',
        data: {
          integrationId: 'i2',
          from: 'awaiting_authorization',
          to: 'requires_sync',
          reason: 'app authorized; never checked since',
        },
      },
    ]);
    expect(fold(d, history).oauth?.refreshTokenRef).toBe('v3');
    // the same state again is refused: single use
    expect(() => d.decide(authorize(), fold(d, history))).toThrow(/state/);
  });

  it('when the state is unknown or expired, then it is refused', () => {
    const state = fold(d, [apiConnected, started]);
    expect(() => d.decide(authorize({ stateHash: 'other' }), state)).toThrow(/state/);
    expect(() => d.decide(authorize({ now: '2026-01-01T00:11:00.000Z' }), state)).toThrow(/state/);
  });

  it('when the app lacks a scope, then the card asks to review the configuration, naming it', () => {
    const events = d.decide(
      authorize({ stateHash: undefined, refreshTokenRef: null, missingScopes: ['write'] }),
      fold(d, [
        {
          ...apiConnected,
          data: { ...apiConnected.data, oauth: { ...oauth, refreshTokenRef: 'v0' } },
        },
      ]),
    );
    expect(events[1]).toMatchObject({
      type: 'IntegrationHealthChanged',
      data: { to: 'review_configuration', reason: 'the app was not granted the scope write' },
    });
  });

  it('a failure of kind authorization sends the card to review the service account', () => {
    expect(healthOfFailure({ kind: 'authorization', message: 'revoked' })).toBe(
      'review_service_account',
    );
  });
});

describe('integration decider: health follows action outcomes', () => {
  const failed = (kind: string, message: string): IntegrationCommand => ({
    type: 'RecordActionOutcome',
    outcome: { result: 'failed', failure: { kind, message } },
  });
  const succeeded: IntegrationCommand = {
    type: 'RecordActionOutcome',
    outcome: { result: 'completed' },
  };
  const healthy = run(
    run([connected], { type: 'CheckForUpdates', taskId: 't1', trigger: 'web_app' }),
    finish('t1'),
  );

  it('given a healthy integration, when an action is refused the login, then it asks for the service account to be reviewed', () => {
    const state = fold(d, run(healthy, failed('invalid_credentials', 'wrong password')));
    expect([state.health, state.healthReason]).toEqual([
      'review_service_account',
      'wrong password',
    ]);
  });

  it('given a refused login, when a later action succeeds, then it is no longer under review but asks for a check, not healthy', () => {
    const state = fold(
      d,
      run(run(healthy, failed('invalid_credentials', 'wrong password')), succeeded),
    );
    expect(state.health).toBe('requires_sync');
    expect(state.healthReason).toMatch(/check for updates/);
  });

  it('given a healthy integration, when an action succeeds or fails transiently, then nothing is recorded', () => {
    expect(d.decide(succeeded, fold(d, healthy))).toEqual([]);
    expect(d.decide(failed('transient', 'time-out'), fold(d, healthy))).toEqual([]);
  });
});

describe('integration decider: confirming departures', () => {
  it('given a running check, when an admin asks for a check that confirms departures, then it is refused with reason check_running, not dropped', () => {
    const running = fold(d, [connected, requested('t1')]);
    expect(() =>
      d.decide(
        { type: 'CheckForUpdates', taskId: 't2', trigger: 'web_app', confirmDepartures: true },
        running,
      ),
    ).toThrow(expect.objectContaining({ details: { reason: 'check_running', taskId: 't1' } }));
    expect(
      d.decide({ type: 'CheckForUpdates', taskId: 't2', trigger: 'web_app' }, running),
    ).toEqual([]);
  });
});

import { fold } from '../shared/decider';
import { NotFound, WrongState } from '../shared/errors';
import { automationAccountDecider as d } from './automation-account.decider';
import type { AutomationAccountEvent } from './automation.events';

const added: AutomationAccountEvent = {
  type: 'AutomationAccountAdded',
  data: {
    accountId: 'a1',
    label: 'Robot',
    email: 'robot@acme.example',
    phone: null,
    passwordRef: 'ref-1',
  },
};
const succeeded: AutomationAccountEvent = {
  type: 'AutomationAccountLoginSucceeded',
  data: { accountId: 'a1' },
};
const failed: AutomationAccountEvent = {
  type: 'AutomationAccountLoginFailed',
  data: { accountId: 'a1', reason: 'wrong password' },
};

describe('automation account decider', () => {
  it('given no account, when added, then AutomationAccountAdded', () => {
    const { data } = added as Extract<AutomationAccountEvent, { type: 'AutomationAccountAdded' }>;
    expect(d.decide({ type: 'AddAutomationAccount', ...data }, d.initialState)).toEqual([added]);
  });

  it('given an account, when added again, then it is refused', () => {
    const { data } = added as Extract<AutomationAccountEvent, { type: 'AutomationAccountAdded' }>;
    expect(() => d.decide({ type: 'AddAutomationAccount', ...data }, fold(d, [added]))).toThrow(
      WrongState,
    );
  });

  it('given no account, when credentials change or a login is recorded, then not found', () => {
    expect(() =>
      d.decide(
        { type: 'ChangeAutomationAccountCredentials', email: 'x@y.z', passwordRef: 'r' },
        d.initialState,
      ),
    ).toThrow(NotFound);
    expect(() =>
      d.decide({ type: 'RecordAutomationLogin', outcome: { ok: true } }, d.initialState),
    ).toThrow(NotFound);
  });

  it('given a connected account, when verified credentials are given, then they replace the old ones and it logs in', () => {
    const events = d.decide(
      {
        type: 'ChangeAutomationAccountCredentials',
        email: 'new@acme.example',
        passwordRef: 'ref-2',
      },
      fold(d, [added, succeeded]),
    );
    expect(events).toEqual([
      {
        type: 'AutomationAccountCredentialsChanged',
        data: { accountId: 'a1', email: 'new@acme.example', passwordRef: 'ref-2' },
      },
      succeeded,
    ]);
    expect(fold(d, [added, succeeded, ...events])).toMatchObject({
      email: 'new@acme.example',
      passwordRef: 'ref-2',
      login: 'succeeded',
    });
  });

  it('given a connected account, when refused credentials are given, then only the refusal is recorded and the account stays connected', () => {
    const state = fold(d, [added, succeeded]);
    const events = d.decide(
      { type: 'RefuseAutomationAccountCredentials', reason: 'wrong password' },
      state,
    );
    expect(events).toEqual([
      {
        type: 'AutomationAccountCredentialsRefused',
        data: { accountId: 'a1', reason: 'wrong password', keptPreviousCredentials: true },
      },
    ]);
    expect(fold(d, [added, succeeded, ...events])).toEqual(state);
  });

  it('given an account without a password, when refused credentials are given, then no previous credentials are said to be kept', () => {
    const bare: AutomationAccountEvent = {
      type: 'AutomationAccountAdded',
      data: { accountId: 'a1', label: 'Robot', email: 'r@x.y', phone: null, passwordRef: null },
    };
    expect(
      d.decide({ type: 'RefuseAutomationAccountCredentials', reason: 'no' }, fold(d, [bare])),
    ).toEqual([
      {
        type: 'AutomationAccountCredentialsRefused',
        data: { accountId: 'a1', reason: 'no', keptPreviousCredentials: false },
      },
    ]);
  });

  it('given a connected account, when a check logs in again, then nothing new; when it fails, then LoginFailed', () => {
    const state = fold(d, [added, succeeded]);
    expect(d.decide({ type: 'RecordAutomationLogin', outcome: { ok: true } }, state)).toEqual([]);
    expect(
      d.decide(
        { type: 'RecordAutomationLogin', outcome: { ok: false, reason: 'wrong password' } },
        state,
      ),
    ).toEqual([failed]);
  });

  it('given a failed login, when the same failure is seen again, then nothing new; another failure or a success is recorded', () => {
    const state = fold(d, [added, failed]);
    expect(
      d.decide(
        { type: 'RecordAutomationLogin', outcome: { ok: false, reason: 'wrong password' } },
        state,
      ),
    ).toEqual([]);
    expect(
      d.decide(
        { type: 'RecordAutomationLogin', outcome: { ok: false, reason: 'code needed' } },
        state,
      ),
    ).toEqual([
      { type: 'AutomationAccountLoginFailed', data: { accountId: 'a1', reason: 'code needed' } },
    ]);
    expect(d.decide({ type: 'RecordAutomationLogin', outcome: { ok: true } }, state)).toEqual([
      succeeded,
    ]);
  });
});

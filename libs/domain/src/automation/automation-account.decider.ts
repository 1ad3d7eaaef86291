import type { Decider } from '../shared/decider';
import { NotFound, WrongState } from '../shared/errors';
import type { AutomationAccountEvent } from './automation.events';

export type AutomationAccountCommand =
  | {
      type: 'AddAutomationAccount';
      accountId: string;
      label: string;
      email: string;
      phone: string | null;
      passwordRef: string | null;
    }
  /** Credentials that a login just accepted: they replace the ones in force. */
  | { type: 'ChangeAutomationAccountCredentials'; email: string; passwordRef: string }
  /** Credentials that a login just refused: they are not kept, and nothing else changes. */
  | { type: 'RefuseAutomationAccountCredentials'; reason: string }
  /** What a check saw when it logged in with the credentials in force. */
  | { type: 'RecordAutomationLogin'; outcome: { ok: true } | { ok: false; reason: string } };

export type AutomationLoginStatus = 'unverified' | 'succeeded' | 'failed';

export interface AutomationAccountState {
  accountId: string | null;
  email: string | null;
  /** The vault reference of the password in force; null until one is given. */
  passwordRef: string | null;
  login: AutomationLoginStatus;
  loginFailure: string | null;
}

export const automationAccountDecider: Decider<
  AutomationAccountCommand,
  AutomationAccountEvent,
  AutomationAccountState
> = {
  initialState: {
    accountId: null,
    email: null,
    passwordRef: null,
    login: 'unverified',
    loginFailure: null,
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AutomationAccountAdded':
        return {
          accountId: event.data.accountId,
          email: event.data.email,
          passwordRef: event.data.passwordRef,
          login: 'unverified',
          loginFailure: null,
        };
      case 'AutomationAccountCredentialsChanged':
        return {
          ...state,
          email: event.data.email,
          passwordRef: event.data.passwordRef,
          login: 'unverified',
          loginFailure: null,
        };
      case 'AutomationAccountLoginSucceeded':
        return { ...state, login: 'succeeded', loginFailure: null };
      case 'AutomationAccountLoginFailed':
        return { ...state, login: 'failed', loginFailure: event.data.reason };
      case 'AutomationAccountCredentialsRefused':
        return state;
    }
  },

  decide(command, state) {
    if (command.type === 'AddAutomationAccount') {
      if (state.accountId !== null) {
        throw new WrongState(`automation account ${state.accountId} already exists`, {
          state: 'exists',
        });
      }
      const { accountId, label, email, phone, passwordRef } = command;
      return [
        { type: 'AutomationAccountAdded', data: { accountId, label, email, phone, passwordRef } },
      ];
    }
    if (state.accountId === null) throw new NotFound('automation account not found');
    const accountId = state.accountId;
    switch (command.type) {
      case 'ChangeAutomationAccountCredentials':
        return [
          {
            type: 'AutomationAccountCredentialsChanged',
            data: { accountId, email: command.email, passwordRef: command.passwordRef },
          },
          { type: 'AutomationAccountLoginSucceeded', data: { accountId } },
        ];
      case 'RefuseAutomationAccountCredentials':
        return [
          {
            type: 'AutomationAccountCredentialsRefused',
            data: {
              accountId,
              reason: command.reason,
              keptPreviousCredentials: state.passwordRef !== null,
            },
          },
        ];
      case 'RecordAutomationLogin': {
        const { outcome } = command;
        // A login outcome the account already shows is no news: a retried or repeated check
        // leaves one fact on the stream, not one per attempt.
        if (outcome.ok) {
          return state.login === 'succeeded'
            ? []
            : [{ type: 'AutomationAccountLoginSucceeded', data: { accountId } }];
        }
        return state.login === 'failed' && state.loginFailure === outcome.reason
          ? []
          : [{ type: 'AutomationAccountLoginFailed', data: { accountId, reason: outcome.reason } }];
      }
    }
  },
};

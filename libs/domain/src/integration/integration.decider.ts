import type { Decider } from '../shared/decider';
import { Conflict, InvalidCommand, NotFound } from '../shared/errors';
import { deterministicId } from '../shared/ids';
import {
  type ActionOutcome,
  type CheckOutcome,
  evolveHealth,
  healthAfterAction,
  healthAfterAuthorization,
  healthAfterCheck,
  NEVER_CHECKED,
} from './health';
import type {
  Connector,
  IntegrationEvent,
  OAuthRefs,
  IntegrationHealth,
  LoginMethod,
  TaskTrigger,
} from './integration.events';

/** One integration per business and workspace: its id is derived from both. */
export function integrationIdFor(workspaceId: string, businessId: string): string {
  return deterministicId('integration', workspaceId, businessId);
}

export type IntegrationCommand =
  | {
      type: 'ConnectIntegration';
      integrationId: string;
      label: string;
      businessId: string;
      /** Default browser. */
      connector?: Connector;
      loginMethod: LoginMethod | null;
      automationAccountId: string | null;
      oauth?: OAuthRefs;
    }
  /** Begins the authorization-code flow: the state's hash, valid until expiresAt. */
  | { type: 'StartAuthorization'; stateHash: string; expiresAt: string }
  /**
   * The app's token as the API granted it. With stateHash, it ends the authorization-code
   * flow that state began (once, before it expires) and brings the new refresh token's ref.
   */
  | {
      type: 'RecordAuthorization';
      stateHash?: string;
      now: string;
      refreshTokenRef: string | null;
      scopes: string[];
      tokenExpiresAt: string;
      missingScopes: string[];
    }
  | { type: 'DisconnectIntegration' }
  | { type: 'CheckForUpdates'; taskId: string; trigger: TaskTrigger; confirmDepartures?: boolean }
  /** The check's outcome; the health follows it (see healthAfterCheck). */
  | { type: 'FinishCheck'; taskId: string; outcome: CheckOutcome }
  | { type: 'ChangeHealth'; to: IntegrationHealth; reason: string }
  /** A member action's outcome; the health follows it (see healthAfterAction). */
  | { type: 'RecordActionOutcome'; outcome: ActionOutcome };

export interface IntegrationState {
  integrationId: string | null;
  connected: boolean;
  businessId: string | null;
  connector: Connector;
  automationAccountId: string | null;
  oauth: OAuthRefs | null;
  pendingAuthorization: { stateHash: string; expiresAt: string } | null;
  health: IntegrationHealth;
  healthReason: string;
  activeCheckTaskId: string | null;
}

export const integrationDecider: Decider<IntegrationCommand, IntegrationEvent, IntegrationState> = {
  initialState: {
    integrationId: null,
    connected: false,
    businessId: null,
    connector: 'browser',
    automationAccountId: null,
    oauth: null,
    pendingAuthorization: null,
    health: NEVER_CHECKED.health,
    healthReason: NEVER_CHECKED.reason,
    activeCheckTaskId: null,
  },

  evolve(current, event) {
    const { health, reason } = evolveHealth(
      { health: current.health, reason: current.healthReason },
      event,
    );
    const state = { ...current, health, healthReason: reason };
    switch (event.type) {
      case 'IntegrationConnected':
        return {
          ...state,
          integrationId: event.data.integrationId,
          connected: true,
          businessId: event.data.businessId,
          connector: event.data.connector ?? 'browser',
          automationAccountId: event.data.automationAccountId,
          oauth: event.data.oauth ?? null,
          pendingAuthorization: null,
          activeCheckTaskId: null,
        };
      case 'IntegrationAuthorizationStarted':
        return {
          ...state,
          pendingAuthorization: {
            stateHash: event.data.stateHash,
            expiresAt: event.data.expiresAt,
          },
        };
      case 'IntegrationAuthorized':
        return {
          ...state,
          // A state is good for one authorization only.
          pendingAuthorization: null,
          oauth:
            state.oauth && event.data.refreshTokenRef
              ? { ...state.oauth, refreshTokenRef: event.data.refreshTokenRef }
              : state.oauth,
        };
      case 'IntegrationDisconnected':
        return { ...state, connected: false, activeCheckTaskId: null };
      case 'CheckForUpdatesRequested':
        return { ...state, activeCheckTaskId: event.data.taskId };
      case 'CheckForUpdatesFinished':
        return state.activeCheckTaskId === event.data.taskId
          ? { ...state, activeCheckTaskId: null }
          : state;
      case 'IntegrationHealthChanged':
        return state;
    }
  },

  decide(command, state) {
    if (command.type === 'ConnectIntegration') {
      if (state.connected) {
        throw new Conflict(
          `business ${command.businessId} is already connected in this workspace`,
          {
            integrationId: state.integrationId,
          },
        );
      }
      const { type: _type, ...rest } = command;
      const data = { ...rest, connector: command.connector ?? 'browser' };
      if (command.connector === 'api' && !command.oauth) {
        throw new InvalidCommand('oauth: the API connector needs the app credentials');
      }
      if (
        command.connector === 'browser' &&
        (!command.automationAccountId || !command.loginMethod)
      ) {
        throw new InvalidCommand('the browser connector needs loginMethod and automationAccount');
      }
      return [{ type: 'IntegrationConnected', data }];
    }
    if (!state.connected || !state.integrationId) throw new NotFound('integration not found');
    const integrationId = state.integrationId;
    switch (command.type) {
      case 'DisconnectIntegration':
        return [{ type: 'IntegrationDisconnected', data: { integrationId } }];
      case 'StartAuthorization':
        if (state.connector !== 'api') {
          throw new Conflict('only an API integration is authorized through OAuth', {
            integrationId,
          });
        }
        return [
          {
            type: 'IntegrationAuthorizationStarted',
            data: { integrationId, stateHash: command.stateHash, expiresAt: command.expiresAt },
          },
        ];
      case 'RecordAuthorization': {
        if (command.stateHash !== undefined) {
          const pending = state.pendingAuthorization;
          if (
            !pending ||
            pending.stateHash !== command.stateHash ||
            Date.parse(pending.expiresAt) <= Date.parse(command.now)
          ) {
            throw new InvalidCommand('state: unknown, already used or expired');
          }
        }
        const next = healthAfterAuthorization(
          { health: state.health, reason: state.healthReason },
          command.missingScopes,
        );
        return [
          {
            type: 'IntegrationAuthorized',
            data: {
              integrationId,
              refreshTokenRef: command.refreshTokenRef,
              scopes: [...command.scopes],
              tokenExpiresAt: command.tokenExpiresAt,
              missingScopes: [...command.missingScopes],
            },
          },
          ...healthChange(state, integrationId, next.health, next.reason),
        ];
      }
      case 'CheckForUpdates':
        if (state.activeCheckTaskId) {
          // A confirmation is about what a finished check would record: folding it into a
          // check that began without it would silently drop it, so the admin is told instead.
          if (command.confirmDepartures === true) {
            throw new Conflict('a check is running; confirm departures once it has ended', {
              reason: 'check_running',
              taskId: state.activeCheckTaskId,
            });
          }
          // A check already running answers for this request too.
          return [];
        }
        return [
          {
            type: 'CheckForUpdatesRequested',
            data: {
              integrationId,
              taskId: command.taskId,
              trigger: command.trigger,
              ...(command.confirmDepartures === true && { confirmDepartures: true as const }),
            },
          },
        ];
      case 'FinishCheck': {
        if (state.activeCheckTaskId !== command.taskId) return [];
        const { outcome } = command;
        const events: IntegrationEvent[] = [
          {
            type: 'CheckForUpdatesFinished',
            data: {
              integrationId,
              taskId: command.taskId,
              result: outcome.result,
              ...(outcome.result === 'not_completed' && {
                failure: { kind: outcome.failure.kind, message: outcome.failure.message },
              }),
            },
          },
        ];
        const next = healthAfterCheck(outcome);
        if (next) events.push(...healthChange(state, integrationId, next.health, next.reason));
        return events;
      }
      case 'ChangeHealth':
        return healthChange(state, integrationId, command.to, command.reason);
      case 'RecordActionOutcome': {
        const next = healthAfterAction(
          { health: state.health, reason: state.healthReason },
          command.outcome,
        );
        return next ? healthChange(state, integrationId, next.health, next.reason) : [];
      }
    }
  },
};

/** A health change is recorded when the health or its reason differ from the current ones. */
function healthChange(
  state: IntegrationState,
  integrationId: string,
  to: IntegrationHealth,
  reason: string,
): IntegrationEvent[] {
  if (state.health === to && state.healthReason === reason) return [];
  return [
    {
      type: 'IntegrationHealthChanged',
      data: { integrationId, from: state.health, to, reason },
    },
  ];
}

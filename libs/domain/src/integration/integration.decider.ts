import type { Decider } from '../shared/decider';
import { Conflict, NotFound } from '../shared/errors';
import { deterministicId } from '../shared/ids';
import type {
  IntegrationEvent,
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
      loginMethod: LoginMethod;
      automationAccountId: string;
    }
  | { type: 'DisconnectIntegration' }
  | { type: 'CheckForUpdates'; taskId: string; trigger: TaskTrigger }
  | { type: 'FinishCheck'; taskId: string; result: 'completed' | 'not_completed' }
  | { type: 'ChangeHealth'; to: IntegrationHealth; reason: string };

export interface IntegrationState {
  integrationId: string | null;
  connected: boolean;
  businessId: string | null;
  automationAccountId: string | null;
  health: IntegrationHealth;
  activeCheckTaskId: string | null;
}

export const integrationDecider: Decider<IntegrationCommand, IntegrationEvent, IntegrationState> = {
  initialState: {
    integrationId: null,
    connected: false,
    businessId: null,
    automationAccountId: null,
    health: 'requires_sync',
    activeCheckTaskId: null,
  },

  evolve(state, event) {
    switch (event.type) {
      case 'IntegrationConnected':
        return {
          ...state,
          integrationId: event.data.integrationId,
          connected: true,
          businessId: event.data.businessId,
          automationAccountId: event.data.automationAccountId,
          health: 'requires_sync',
          activeCheckTaskId: null,
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
        return { ...state, health: event.data.to };
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
      const { type: _type, ...data } = command;
      return [{ type: 'IntegrationConnected', data }];
    }
    if (!state.connected || !state.integrationId) throw new NotFound('integration not found');
    const integrationId = state.integrationId;
    switch (command.type) {
      case 'DisconnectIntegration':
        return [{ type: 'IntegrationDisconnected', data: { integrationId } }];
      case 'CheckForUpdates':
        // A check already running answers for this request too.
        if (state.activeCheckTaskId) return [];
        return [
          {
            type: 'CheckForUpdatesRequested',
            data: { integrationId, taskId: command.taskId, trigger: command.trigger },
          },
        ];
      case 'FinishCheck':
        if (state.activeCheckTaskId !== command.taskId) return [];
        return [
          {
            type: 'CheckForUpdatesFinished',
            data: { integrationId, taskId: command.taskId, result: command.result },
          },
        ];
      case 'ChangeHealth':
        if (state.health === command.to) return [];
        return [
          {
            type: 'IntegrationHealthChanged',
            data: { integrationId, from: state.health, to: command.to, reason: command.reason },
          },
        ];
    }
  },
};

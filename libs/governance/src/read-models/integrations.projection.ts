import {
  evolveHealth,
  type IntegrationEvent,
  type IntegrationHealth,
  type LoginMethod,
  NEVER_CHECKED,
} from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export interface IntegrationDoc extends Document {
  workspaceId: string;
  label: string;
  businessId: string;
  loginMethod: LoginMethod;
  automationAccountId: string;
  connected: boolean;
  health: IntegrationHealth;
  healthReason: string | null;
  activeTaskId: string | null;
  lastCheck: {
    taskId: string;
    at: string;
    result: 'completed' | 'not_completed';
    /** Why it did not complete; null when it did (or when the log does not say). */
    failure: { kind: string; message: string } | null;
  } | null;
  connectedAt: string;
  disconnectedAt: string | null;
}

export const INTEGRATIONS = 'integrations';

export const integrationsProjection: Projection = {
  name: 'integrations',
  version: 1,
  // The app cards of a workspace; every connected integration (the daily check).
  collections: [
    { name: INTEGRATIONS, indexes: [['workspaceId', 'connected'], ['connected'], 'businessId'] },
  ],
  filter: { categories: ['integration'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as IntegrationEvent;
    const at = recorded.metadata.occurredAt;
    const current = await ctx.get<IntegrationDoc>(INTEGRATIONS, event.data.integrationId);
    if (event.type === 'IntegrationConnected') {
      ctx.put<IntegrationDoc>(INTEGRATIONS, {
        id: event.data.integrationId,
        workspaceId: recorded.metadata.workspaceId,
        label: event.data.label,
        businessId: event.data.businessId,
        loginMethod: event.data.loginMethod,
        automationAccountId: event.data.automationAccountId,
        connected: true,
        health: NEVER_CHECKED.health,
        healthReason: NEVER_CHECKED.reason,
        activeTaskId: null,
        lastCheck: current?.lastCheck ?? null,
        connectedAt: at,
        disconnectedAt: null,
      });
      return;
    }
    if (!current) return;
    switch (event.type) {
      case 'IntegrationDisconnected':
        ctx.put<IntegrationDoc>(INTEGRATIONS, {
          ...current,
          connected: false,
          activeTaskId: null,
          disconnectedAt: at,
        });
        break;
      case 'CheckForUpdatesRequested':
        ctx.put<IntegrationDoc>(INTEGRATIONS, { ...current, activeTaskId: event.data.taskId });
        break;
      case 'CheckForUpdatesFinished':
        ctx.put<IntegrationDoc>(INTEGRATIONS, {
          ...current,
          activeTaskId: current.activeTaskId === event.data.taskId ? null : current.activeTaskId,
          lastCheck: {
            taskId: event.data.taskId,
            at,
            result: event.data.result,
            failure: event.data.failure ?? null,
          },
        });
        break;
      case 'IntegrationHealthChanged': {
        // The decider's own fold: the card says what the integration's stream decides on.
        const { health, reason } = evolveHealth(
          { health: current.health, reason: current.healthReason ?? '' },
          event,
        );
        ctx.put<IntegrationDoc>(INTEGRATIONS, { ...current, health, healthReason: reason });
        break;
      }
    }
  },
};

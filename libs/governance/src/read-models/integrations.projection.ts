import {
  evolveHealth,
  type IntegrationEvent,
  type Connector,
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
  /** Absent on documents projected before the API connector: browser. */
  connector?: Connector;
  loginMethod: LoginMethod | null;
  automationAccountId: string | null;
  /** API connector: what the app's token was granted, as last observed. */
  authorization?: { scopes: string[]; missingScopes: string[]; tokenExpiresAt: string } | null;
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
        connector: event.data.connector ?? 'browser',
        loginMethod: event.data.loginMethod,
        automationAccountId: event.data.automationAccountId,
        authorization: null,
        connected: true,
        // The decider's own fold: an API integration without a token awaits authorization.
        ...(({ health, reason }) => ({ health, healthReason: reason }))(
          evolveHealth(NEVER_CHECKED, event),
        ),
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
      case 'IntegrationAuthorized':
        ctx.put<IntegrationDoc>(INTEGRATIONS, {
          ...current,
          authorization: {
            scopes: event.data.scopes,
            missingScopes: event.data.missingScopes,
            tokenExpiresAt: event.data.tokenExpiresAt,
          },
        });
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

import type { DomainEvent } from '../shared/decider';

export type LoginMethod = 'sso' | 'password';
export type IntegrationHealth =
  'healthy' | 'requires_sync' | 'review_service_account' | 'review_configuration';
/** `deprovision_verification`: the check that runs by itself once an apply's removals end. */
export type TaskTrigger = 'web_app' | 'workspace_policy' | 'scim' | 'deprovision_verification';

export type IntegrationConnected = DomainEvent<
  'IntegrationConnected',
  {
    integrationId: string;
    label: string;
    businessId: string;
    loginMethod: LoginMethod;
    automationAccountId: string;
  }
>;
export type IntegrationDisconnected = DomainEvent<
  'IntegrationDisconnected',
  { integrationId: string }
>;
export type CheckForUpdatesRequested = DomainEvent<
  'CheckForUpdatesRequested',
  {
    integrationId: string;
    taskId: string;
    trigger: TaskTrigger;
    /**
     * Present (true) when an admin confirmed that this check may record departures past the
     * import safeguard; the event's actor is who confirmed.
     */
    confirmDepartures?: true;
  }
>;
export type CheckForUpdatesFinished = DomainEvent<
  'CheckForUpdatesFinished',
  {
    integrationId: string;
    taskId: string;
    result: 'completed' | 'not_completed';
    /** Why it did not complete (absent on events recorded before it was kept). */
    failure?: { kind: string; message: string };
  }
>;
export type IntegrationHealthChanged = DomainEvent<
  'IntegrationHealthChanged',
  { integrationId: string; from: IntegrationHealth; to: IntegrationHealth; reason: string }
>;

export type IntegrationEvent =
  | IntegrationConnected
  | IntegrationDisconnected
  | CheckForUpdatesRequested
  | CheckForUpdatesFinished
  | IntegrationHealthChanged;

export const integrationStream = (integrationId: string): string => `integration-${integrationId}`;

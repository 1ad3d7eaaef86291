import type { DomainEvent } from '../shared/decider';

export type LoginMethod = 'sso' | 'password';
/** How the service reaches the business: a browser with a login, or the app's API. */
export type Connector = 'browser' | 'api';
export type IntegrationHealth =
  | 'healthy'
  | 'requires_sync'
  | 'review_service_account'
  | 'review_configuration'
  | 'awaiting_authorization';

/** Vault references of an app's OAuth secrets; the secrets never enter the log. */
export interface OAuthRefs {
  clientIdRef: string;
  clientSecretRef: string;
  /** Null until the app is authorized through the authorization-code flow. */
  refreshTokenRef: string | null;
}
/** `deprovision_verification`: the check that runs by itself once an apply's removals end. */
export type TaskTrigger = 'web_app' | 'workspace_policy' | 'scim' | 'deprovision_verification';

export type IntegrationConnected = DomainEvent<
  'IntegrationConnected',
  {
    integrationId: string;
    label: string;
    businessId: string;
    /** Absent on events recorded before the API connector: the browser. */
    connector?: Connector;
    /** Null for an API integration without a browser fallback. */
    loginMethod: LoginMethod | null;
    automationAccountId: string | null;
    /** The app's secrets, by reference (API connector only). */
    oauth?: OAuthRefs;
  }
>;
/** An authorization-code flow began; only a hash of its state is kept. */
export type IntegrationAuthorizationStarted = DomainEvent<
  'IntegrationAuthorizationStarted',
  { integrationId: string; stateHash: string; expiresAt: string }
>;
/**
 * The app's authorization as the API granted it: scopes and the access token's expiry; with
 * the new refresh token's vault reference when it came from the authorization-code flow.
 */
export type IntegrationAuthorized = DomainEvent<
  'IntegrationAuthorized',
  {
    integrationId: string;
    refreshTokenRef: string | null;
    scopes: string[];
    tokenExpiresAt: string;
    missingScopes: string[];
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
  | IntegrationAuthorizationStarted
  | IntegrationAuthorized
  | IntegrationDisconnected
  | CheckForUpdatesRequested
  | CheckForUpdatesFinished
  | IntegrationHealthChanged;

export const integrationStream = (integrationId: string): string => `integration-${integrationId}`;

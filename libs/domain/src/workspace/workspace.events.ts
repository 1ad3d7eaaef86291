import type { DomainEvent } from '../shared/decider';

export type CredentialKind = 'api_key' | 'scim_token';

export type WorkspaceCreated = DomainEvent<
  'WorkspaceCreated',
  { workspaceId: string; name: string }
>;
/** Only the SHA-256 of the secret is recorded: the log never holds a usable key. */
export type CredentialIssued = DomainEvent<
  'CredentialIssued',
  {
    workspaceId: string;
    credentialId: string;
    kind: CredentialKind;
    name: string;
    secretHash: string;
  }
>;
export type CredentialRevoked = DomainEvent<
  'CredentialRevoked',
  { workspaceId: string; credentialId: string }
>;

export type WorkspaceEvent = WorkspaceCreated | CredentialIssued | CredentialRevoked;
export const WORKSPACE_EVENT_TYPES: readonly WorkspaceEvent['type'][] = [
  'WorkspaceCreated',
  'CredentialIssued',
  'CredentialRevoked',
];

export const workspaceStream = (workspaceId: string): string => `workspace-${workspaceId}`;

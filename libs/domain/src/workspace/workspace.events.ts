import type { DomainEvent } from '../shared/decider';

export type CredentialKind = 'api_key' | 'scim_token';

/** What a key may do; each includes the one before it (auditor < operator < admin). */
export type CredentialRole = 'auditor' | 'operator' | 'admin';

/** The person a key was handed to: kept in this shape so that erasure can encrypt it per person. */
export interface CredentialPerson {
  email: string;
  name: string;
}

/**
 * How `secretHash` was computed. Absent: a bare SHA-256 of the secret (credentials issued
 * before keys were peppered), still accepted until rotated.
 */
export type CredentialHashScheme = 'hmac-sha256';

/**
 * Where a credential came from: `ADMIN_API_KEY` / `SCIM_TOKEN` (the environment, replaced
 * when the variable changes), `generated` (at first start), absent for one issued by a caller.
 */
export type CredentialOrigin = 'ADMIN_API_KEY' | 'SCIM_TOKEN' | 'generated';

export type WorkspaceCreated = DomainEvent<
  'WorkspaceCreated',
  { workspaceId: string; name: string }
>;
/** Only a hash of the secret is recorded: the log never holds a usable key. */
export type CredentialIssued = DomainEvent<
  'CredentialIssued',
  {
    workspaceId: string;
    credentialId: string;
    kind: CredentialKind;
    name: string;
    secretHash: string;
    hashScheme?: CredentialHashScheme;
    /** Absent on credentials issued before roles existed: they were all admin keys. */
    role?: CredentialRole;
    person?: CredentialPerson;
    origin?: CredentialOrigin;
    /** The credential this one was issued to replace (a rotation). */
    replaces?: string;
  }
>;
export type CredentialRevoked = DomainEvent<
  'CredentialRevoked',
  { workspaceId: string; credentialId: string }
>;
/** Replaced by a new credential; the old one keeps working until `expiresAt` (the grace). */
export type CredentialRotated = DomainEvent<
  'CredentialRotated',
  { workspaceId: string; credentialId: string; replacedBy: string; expiresAt: string }
>;

export type WorkspaceEvent =
  WorkspaceCreated | CredentialIssued | CredentialRevoked | CredentialRotated;
export const WORKSPACE_EVENT_TYPES: readonly WorkspaceEvent['type'][] = [
  'WorkspaceCreated',
  'CredentialIssued',
  'CredentialRevoked',
  'CredentialRotated',
];

export const workspaceStream = (workspaceId: string): string => `workspace-${workspaceId}`;

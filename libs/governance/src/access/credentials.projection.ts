import type {
  CredentialIssued,
  CredentialKind,
  CredentialPerson,
  CredentialRevoked,
  CredentialRole,
  CredentialRotated,
} from '@app/domain';
import type { Document } from '@app/readmodels';
import type { Projection } from '@app/projections';

/**
 * A credential as listed and as an actor is resolved through: never its secret, never its
 * hash (authentication reads the log itself, see CredentialIndex).
 */
export interface CredentialDoc extends Document {
  /** The credential id (an API key's prefix). */
  id: string;
  workspaceId: string;
  kind: CredentialKind;
  name: string;
  role: CredentialRole;
  person: CredentialPerson | null;
  /** Hashed as bare SHA-256 (issued before keys were peppered): works until rotated. */
  legacy: boolean;
  createdAt: string;
  revokedAt: string | null;
  /** A rotated credential's end of grace. */
  expiresAt: string | null;
  replacedBy: string | null;
  replaces: string | null;
}

export const CREDENTIALS = 'credentials';

export const credentialsProjection: Projection = {
  name: 'credentials',
  version: 2,
  collections: [{ name: CREDENTIALS, indexes: [['workspaceId', 'kind', 'createdAt']] }],
  filter: { eventTypes: ['CredentialIssued', 'CredentialRevoked', 'CredentialRotated'] },
  async handle(event, ctx) {
    if (event.type === 'CredentialIssued') {
      const d = (event as unknown as CredentialIssued).data;
      ctx.put<CredentialDoc>(CREDENTIALS, {
        id: d.credentialId,
        workspaceId: d.workspaceId,
        kind: d.kind,
        name: d.name,
        // Before roles, every key was the admin key.
        role: d.role ?? 'admin',
        person: d.person ?? null,
        legacy: d.hashScheme === undefined,
        createdAt: event.metadata.occurredAt,
        revokedAt: null,
        expiresAt: null,
        replacedBy: null,
        replaces: d.replaces ?? null,
      });
    } else if (event.type === 'CredentialRevoked') {
      const d = (event as unknown as CredentialRevoked).data;
      const doc = await ctx.get<CredentialDoc>(CREDENTIALS, d.credentialId);
      if (doc)
        ctx.put<CredentialDoc>(CREDENTIALS, { ...doc, revokedAt: event.metadata.occurredAt });
    } else if (event.type === 'CredentialRotated') {
      const d = (event as unknown as CredentialRotated).data;
      const doc = await ctx.get<CredentialDoc>(CREDENTIALS, d.credentialId);
      if (doc) {
        ctx.put<CredentialDoc>(CREDENTIALS, {
          ...doc,
          expiresAt: d.expiresAt,
          replacedBy: d.replacedBy,
        });
      }
    }
  },
};

import type { CredentialIssued, CredentialRevoked } from '@app/domain';
import type { Document } from '@app/readmodels';
import type { Projection } from '@app/projections';

export interface CredentialDoc extends Document {
  /** The SHA-256 of the secret: what a request's bearer token is looked up by. */
  id: string;
  credentialId: string;
  workspaceId: string;
  kind: 'api_key' | 'scim_token';
  name: string;
}

export const CREDENTIALS = 'credentials';

export const credentialsProjection: Projection = {
  name: 'credentials',
  version: 1,
  collections: [{ name: CREDENTIALS, indexes: ['credentialId', 'workspaceId'] }],
  filter: { eventTypes: ['CredentialIssued', 'CredentialRevoked'] },
  async handle(event, ctx) {
    if (event.type === 'CredentialIssued') {
      const d = (event as unknown as CredentialIssued).data;
      ctx.put<CredentialDoc>(CREDENTIALS, {
        id: d.secretHash,
        credentialId: d.credentialId,
        workspaceId: d.workspaceId,
        kind: d.kind,
        name: d.name,
      });
    } else if (event.type === 'CredentialRevoked') {
      const d = (event as unknown as CredentialRevoked).data;
      const page = await ctx.find<CredentialDoc>(CREDENTIALS, {
        where: { credentialId: d.credentialId },
        limit: 10,
      });
      for (const doc of page.items) ctx.delete(CREDENTIALS, doc.id);
    }
  },
};

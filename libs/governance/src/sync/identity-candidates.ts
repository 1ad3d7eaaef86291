import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { IDENTITY_EMAILS, type IdentityEmailDoc } from '../directory/identities.projection';

/** Which active identities carry an email: the candidates for automatic matching. */
@Injectable()
export class IdentityCandidates {
  constructor(@Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore) {}

  async forEmails(
    workspaceId: string,
    normalizedEmails: readonly string[],
  ): Promise<Map<string, string[]>> {
    const ids = [...new Set(normalizedEmails)].map((e) => `${workspaceId}:${e}`);
    const result = new Map<string, string[]>();
    if (ids.length === 0) return result;
    const collection = this.readModels.collection<IdentityEmailDoc>(IDENTITY_EMAILS);
    for (let i = 0; i < ids.length; i += 500) {
      for (const doc of await collection.getMany(ids.slice(i, i + 500))) {
        result.set(doc.id.slice(workspaceId.length + 1), doc.activeIdentityIds ?? []);
      }
    }
    return result;
  }
}

import type { EventStore } from '@app/eventstore';
import { Vault } from '@app/vault';
import { erasedToken } from './masking';
import type { ErasedPerson, ErasureScrubber, ScrubReport } from './scrubber';

/**
 * The person's own Pinterest credentials, kept in the vault when their member connected their
 * account (`MemberAccountConnected { credentialsRef }`): their email and password, encrypted
 * with the vault's key, which an erasure does not destroy. The entries their member streams
 * name are deleted; deleting an absent entry is a no-op, so a second run removes nothing.
 */
export class VaultScrubber implements ErasureScrubber {
  constructor(
    private readonly events: EventStore,
    private readonly vault: Vault,
  ) {}

  async scrub(person: ErasedPerson): Promise<ScrubReport> {
    const email = person.email.trim().toLowerCase();
    const token = erasedToken(person.personId);
    const theirs = new Set<string>();
    const refs = new Map<string, { ref: string; workspaceId: string }[]>();
    for await (const e of this.events.readAll({ filter: { categories: ['member'] } })) {
      // Only the person's workspace's members: elsewhere the same email is another person.
      if (e.metadata.workspaceId !== person.workspaceId) continue;
      const data = e.data as Record<string, unknown>;
      for (const value of emailsIn(data))
        if (value.trim().toLowerCase() === email || value === token) theirs.add(e.stream);
      const ref = data.credentialsRef;
      if (typeof ref === 'string' && Vault.isRef(ref))
        refs.set(e.stream, [
          ...(refs.get(e.stream) ?? []),
          { ref, workspaceId: e.metadata.workspaceId },
        ]);
    }
    let removed = 0;
    for (const stream of theirs) {
      for (const { ref, workspaceId } of refs.get(stream) ?? []) {
        if (await this.vault.delete(ref, workspaceId)) removed += 1;
      }
    }
    return { copy: 'vault', removed };
  }
}

function emailsIn(value: unknown, key: string | null = null): string[] {
  if (typeof value === 'string') return key !== null && /email/i.test(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => emailsIn(v, key));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => emailsIn(v, k));
  return [];
}

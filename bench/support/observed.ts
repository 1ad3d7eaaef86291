import type { ObservedBusiness } from '@app/domain';
import { normalizeGrants } from '@app/domain';
import type { BusinessFixture } from '@app/simulator';

/** A simulator business as the browser reader would observe it: the importer's input, no browser. */
export function observedOf(fixture: BusinessFixture): ObservedBusiness {
  const grants = new Map<string, Record<string, string[]>>();
  for (const g of fixture.grants ?? []) {
    const own = grants.get(g.memberId) ?? {};
    own[g.assetId] = g.permissions;
    grants.set(g.memberId, own);
  }
  return {
    businessId: fixture.id,
    members: fixture.members.map((m) => ({
      pinterestUserId: m.id,
      name: m.name,
      email: m.email,
      businessRole: m.role === 'MANAGER' ? 'manager' : 'employee',
      assets: normalizeGrants(grants.get(m.id) ?? {}),
    })),
    invites: (fixture.invites ?? []).map((i) => ({
      email: i.email,
      role: i.role === 'MANAGER' ? 'manager' : 'employee',
      status: i.status,
    })),
    assets: (fixture.assets ?? []).map((a) => ({ assetId: a.id, type: a.type, name: a.name })),
    partners: (fixture.partners ?? []).map((p) => ({
      partnerId: p.id,
      name: p.name,
      assets: normalizeGrants(Object.fromEntries(p.grants.map((g) => [g.assetId, g.permissions]))),
      people: p.members ?? [],
    })),
    // Taken from the fixture itself: whole by construction.
    complete: true,
    warnings: [],
    evidence: [],
  };
}

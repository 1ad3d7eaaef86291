import type { Decider } from '../shared/decider';
import { normalizeEmail } from '../shared/ids';
import {
  type AssetGrants,
  type AssetType,
  diffGrants,
  normalizeGrants,
  type ObservedAsset,
  type ObservedInvite,
  type ObservedPartner,
} from '../pinterest/business';
import type { CatalogEvent, PartnerPerson } from './catalog.events';

export type CatalogCommand = {
  type: 'ObserveCatalog';
  integrationId: string;
  assets: readonly ObservedAsset[];
  partners: readonly ObservedPartner[];
  invites: readonly ObservedInvite[];
};

export interface CatalogState {
  assets: Map<string, { type: AssetType; name: string }>;
  partners: Map<string, { name: string; assets: AssetGrants; people: PartnerPerson[] }>;
  /** normalised email → the last observed invitation. */
  invites: Map<string, ObservedInvite>;
}

const samePeople = (a: readonly PartnerPerson[], b: readonly PartnerPerson[]): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

const sortedPeople = (people: readonly PartnerPerson[]): PartnerPerson[] =>
  [...people]
    .map((p) => ({ id: p.id, name: p.name, email: p.email }))
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

export const catalogDecider: Decider<CatalogCommand, CatalogEvent, CatalogState> = {
  initialState: { assets: new Map(), partners: new Map(), invites: new Map() },

  evolve(state, event) {
    switch (event.type) {
      case 'AssetDiscovered': {
        const assets = new Map(state.assets);
        assets.set(event.data.assetId, { type: event.data.assetType, name: event.data.name });
        return { ...state, assets };
      }
      case 'AssetRenamed': {
        const assets = new Map(state.assets);
        const current = assets.get(event.data.assetId);
        if (current) assets.set(event.data.assetId, { ...current, name: event.data.name });
        return { ...state, assets };
      }
      case 'AssetGone': {
        const assets = new Map(state.assets);
        assets.delete(event.data.assetId);
        return { ...state, assets };
      }
      case 'PartnerDiscovered': {
        const partners = new Map(state.partners);
        partners.set(event.data.partnerId, {
          name: event.data.name,
          assets: event.data.assets,
          people: event.data.people,
        });
        return { ...state, partners };
      }
      case 'PartnerAccessChanged': {
        const partners = new Map(state.partners);
        const current = partners.get(event.data.partnerId);
        partners.set(event.data.partnerId, {
          name: current?.name ?? '',
          assets: event.data.to,
          people: event.data.people,
        });
        return { ...state, partners };
      }
      case 'InvitationObserved': {
        const invites = new Map(state.invites);
        invites.set(normalizeEmail(event.data.email), {
          email: event.data.email,
          role: event.data.role,
          status: event.data.status,
        });
        return { ...state, invites };
      }
    }
  },

  decide(command, state) {
    const integrationId = command.integrationId;
    const events: CatalogEvent[] = [];
    const seenAssets = new Set<string>();
    for (const asset of command.assets) {
      seenAssets.add(asset.assetId);
      const known = state.assets.get(asset.assetId);
      if (!known) {
        events.push({
          type: 'AssetDiscovered',
          data: { integrationId, assetId: asset.assetId, assetType: asset.type, name: asset.name },
        });
      } else if (known.name !== asset.name) {
        events.push({
          type: 'AssetRenamed',
          data: { integrationId, assetId: asset.assetId, name: asset.name },
        });
      }
    }
    for (const assetId of state.assets.keys()) {
      if (!seenAssets.has(assetId))
        events.push({ type: 'AssetGone', data: { integrationId, assetId } });
    }
    const seenPartners = new Set<string>();
    for (const partner of command.partners) {
      seenPartners.add(partner.partnerId);
      const assets = normalizeGrants(partner.assets);
      const people = sortedPeople(partner.people);
      const known = state.partners.get(partner.partnerId);
      if (!known) {
        events.push({
          type: 'PartnerDiscovered',
          data: { integrationId, partnerId: partner.partnerId, name: partner.name, assets, people },
        });
      } else if (diffGrants(known.assets, assets).length > 0 || !samePeople(known.people, people)) {
        events.push({
          type: 'PartnerAccessChanged',
          data: {
            integrationId,
            partnerId: partner.partnerId,
            from: known.assets,
            to: assets,
            people,
          },
        });
      }
    }
    for (const [partnerId, known] of state.partners) {
      // A partner removed from the business loses every asset it could reach.
      if (!seenPartners.has(partnerId) && Object.keys(known.assets).length > 0) {
        events.push({
          type: 'PartnerAccessChanged',
          data: { integrationId, partnerId, from: known.assets, to: {}, people: [] },
        });
      }
    }
    for (const invite of command.invites) {
      const known = state.invites.get(normalizeEmail(invite.email));
      if (!known || known.status !== invite.status || known.role !== invite.role) {
        events.push({
          type: 'InvitationObserved',
          data: {
            integrationId,
            email: invite.email,
            role: invite.role,
            status: invite.status,
            previousStatus: known?.status ?? null,
          },
        });
      }
    }
    return events;
  },
};

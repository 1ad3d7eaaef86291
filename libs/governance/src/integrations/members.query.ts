import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '@app/domain';
import { READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { checkpointName } from '@app/projections';
import {
  ASSETS,
  assetDocId,
  assetsProjection,
  type AssetDoc,
} from '../read-models/assets.projection';

import {
  MEMBER_TAB_COUNTS,
  MEMBERS,
  type MemberDoc,
  type MemberTabCountsDoc,
} from '../read-models/members.projection';

/** Asset documents kept between pages; a business has a few hundred to a few thousand. */
const ASSET_CACHE_SIZE = 50_000;

export interface MemberView {
  id: string;
  pinterestUserId: string;
  name: string;
  email: string;
  businessRole: MemberDoc['businessRole'];
  assets: {
    assetId: string;
    assetType: string | null;
    name: string | null;
    permissions: string[];
  }[];
  status: string;
  tab: MemberDoc['tab'];
  matchedIdentity: MemberDoc['matchedIdentity'];
  ambiguityCandidates: string[] | null;
  exemption: MemberDoc['exemption'];
  pendingAction: MemberDoc['pendingAction'];
  invite: MemberDoc['invite'];
  lastFailure: MemberDoc['lastFailure'];
  account: MemberDoc['account'];
  removal: MemberDoc['removal'];
  /** The matched identity was deprovisioned and the member is still on Pinterest. */
  leaver: boolean;
  leftAt: string | null;
  discoveredAt: string;
  updatedAt: string;
}

export interface MembersPage {
  items: MemberView[];
  nextCursor: string | null;
  counts: { unmatched: number; onboarded: number; exempted: number };
}

type Tab = 'unmatched' | 'onboarded' | 'exempted';

/**
 * The three tabs, from the (integrationId, tab, name) index. Search matches name or email,
 * case and accents aside, from the store's text index: "contains" for 3 characters or more,
 * a word's start below that. Counts are kept by the members projection, not recounted.
 */
@Injectable()
export class MembersQuery {
  constructor(@Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore) {}

  async page(
    integrationId: string,
    query: { tab: Tab; search?: string; cursor?: string; limit: number },
  ): Promise<MembersPage> {
    // A malformed cursor or one of another query surfaces as InvalidCursor: 400 naming `cursor`.
    const page = await this.readModels.collection<MemberDoc>(MEMBERS).find({
      where: { integrationId, tab: query.tab },
      sort: [{ field: 'name', direction: 'asc' }],
      ...(query.search ? { search: [query.search] } : {}),
      limit: query.limit,
      cursor: query.cursor,
    });
    const [items, counts] = await Promise.all([this.views(page.items), this.counts(integrationId)]);
    return { items, nextCursor: page.nextCursor, counts };
  }

  /** How many members each tab holds: the numbers on the tabs and on the app card. */
  async counts(integrationId: string): Promise<MembersPage['counts']> {
    const doc = await this.readModels
      .collection<MemberTabCountsDoc>(MEMBER_TAB_COUNTS)
      .get(integrationId);
    return {
      unmatched: doc?.unmatched ?? 0,
      onboarded: doc?.onboarded ?? 0,
      exempted: doc?.exempted ?? 0,
    };
  }

  /** The counts of several integrations in one read (the app cards). */
  async countsOf(
    integrationIds: readonly string[],
  ): Promise<ReadonlyMap<string, MembersPage['counts']>> {
    const docs =
      integrationIds.length === 0
        ? []
        : await this.readModels
            .collection<MemberTabCountsDoc>(MEMBER_TAB_COUNTS)
            .getMany(integrationIds);
    const found = new Map(docs.map((d) => [d.id, d]));
    return new Map(
      integrationIds.map((id) => {
        const doc = found.get(id);
        return [
          id,
          {
            unmatched: doc?.unmatched ?? 0,
            onboarded: doc?.onboarded ?? 0,
            exempted: doc?.exempted ?? 0,
          },
        ];
      }),
    );
  }

  async one(integrationId: string, memberId: string): Promise<MemberView> {
    const doc = await this.readModels.collection<MemberDoc>(MEMBERS).get(memberId);
    if (!doc || doc.integrationId !== integrationId)
      throw new NotFound(`member ${memberId} not found`);
    return (await this.views([doc]))[0];
  }

  /** Members by id, in one read (GraphQL's per-row lookups); unknown ids are left out. */
  async many(memberIds: readonly string[]): Promise<MemberView[]> {
    if (memberIds.length === 0) return [];
    return this.views(await this.readModels.collection<MemberDoc>(MEMBERS).getMany(memberIds));
  }

  /**
   * Asset names and types, read through a cache that lasts while the assets projection's
   * checkpoint stays put: every page shows the same few hundred assets, and a moved
   * checkpoint is the only way their documents can have changed.
   */
  private assetCache: { at: unknown; docs: Map<string, AssetDoc | null> } = {
    at: undefined,
    docs: new Map(),
  };

  private async assets(ids: readonly string[]): Promise<ReadonlyMap<string, AssetDoc | null>> {
    const at = (await this.readModels.getCheckpoint(checkpointName(assetsProjection)))?.position;
    if (at !== this.assetCache.at || this.assetCache.docs.size > ASSET_CACHE_SIZE) {
      this.assetCache = { at, docs: new Map() };
    }
    // Kept by reference: a request that sees a newer checkpoint meanwhile starts another map.
    const { docs } = this.assetCache;
    const missing = ids.filter((id) => !docs.has(id));
    if (missing.length > 0) {
      const found = await this.readModels.collection<AssetDoc>(ASSETS).getMany(missing);
      for (const id of missing) docs.set(id, null);
      for (const doc of found) docs.set(doc.id, doc);
    }
    return docs;
  }

  private async views(docs: MemberDoc[]): Promise<MemberView[]> {
    const ids = [
      ...new Set(
        docs.flatMap((d) => Object.keys(d.assets).map((a) => assetDocId(d.integrationId, a))),
      ),
    ];
    const assets = await this.assets(ids);
    return docs.map((d) =>
      memberView(d, (assetId) => assets.get(assetDocId(d.integrationId, assetId)) ?? null),
    );
  }
}

/**
 * One member as the tabs show it; `assetOf` names the assets (today's names for the live tabs,
 * the names as of an instant for a tab as of that instant).
 */
export function memberView(
  d: MemberDoc,
  assetOf: (assetId: string) => { assetType: string | null; name: string | null } | null,
): MemberView {
  return {
    id: d.id,
    pinterestUserId: d.pinterestUserId,
    name: d.name,
    email: d.email,
    businessRole: d.businessRole,
    assets: Object.entries(d.assets).map(([assetId, permissions]) => {
      const asset = assetOf(assetId);
      return {
        assetId,
        assetType: asset?.assetType ?? null,
        name: asset?.name ?? null,
        permissions,
      };
    }),
    status: d.status,
    tab: d.tab,
    matchedIdentity: d.matchedIdentity
      ? { ...d.matchedIdentity, role: d.matchedIdentity.role ?? null }
      : null,
    ambiguityCandidates: d.ambiguity?.candidates ?? null,
    exemption: d.exemption,
    pendingAction: d.pendingAction ?? null,
    invite: d.invite ?? null,
    lastFailure: d.lastFailure ?? null,
    account: d.account ?? { status: 'connect_your_account', reason: null, at: null },
    removal: d.removal ?? null,
    leaver: Boolean(d.leaver) && d.present,
    leftAt: d.present ? (d.leaver?.leftAt ?? null) : null,
    discoveredAt: d.discoveredAt,
    updatedAt: d.updatedAt,
  };
}

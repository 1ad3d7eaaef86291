import { Inject, Injectable, Optional } from '@nestjs/common';
import { Environment } from '@app/config';
import { NotFound } from '@app/domain';
import { jsonAnswer, READ_MODEL_STORE, type JsonAnswer } from '@app/infrastructure';
import type { FindOptions, ReadModelStore, StoredJson } from '@app/readmodels';
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
  membersProjection,
  type MemberDoc,
  type MemberTabCountsDoc,
} from '../read-models/members.projection';
import { PageCache } from './page-cache';

/** Asset documents kept between pages; a business has a few hundred to a few thousand. */
const ASSET_CACHE_SIZE = 50_000;
/** Member views kept as JSON between pages: a few businesses of 10,000 members, ~1.5 KB each. */
const VIEW_CACHE_SIZE = 30_000;

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
type TabQuery = { tab: Tab; search?: string; cursor?: string; limit: number };

/** One tab's page, in name order, from the (integrationId, tab, name) index or the text index. */
function tabQuery(integrationId: string, query: TabQuery): FindOptions {
  return {
    where: { integrationId, tab: query.tab },
    sort: [{ field: 'name', direction: 'asc' }],
    ...(query.search ? { search: [query.search] } : {}),
    limit: query.limit,
    cursor: query.cursor,
  };
}

interface AssetCache {
  /** The assets projection's checkpoint the entries were read at. */
  at: unknown;
  docs: Map<string, AssetDoc | null>;
  /** Member id → the stored document a view was built from, and the view's JSON. */
  views: Map<string, { doc: string; view: string }>;
}

/**
 * The three tabs, from the (integrationId, tab, name) index. Search matches name or email,
 * case and accents aside, from the store's text index: "contains" for 3 characters or more,
 * a word's start below that. Counts are kept by the members projection, not recounted.
 */
@Injectable()
export class MembersQuery {
  /** Whole tab pages, while the members and assets projections stay put (MEMBER_PAGE_CACHE_MB). */
  private readonly pages: PageCache<JsonAnswer>;

  constructor(
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Optional() env?: Environment,
  ) {
    this.pages = new PageCache(
      (env?.MEMBER_PAGE_CACHE_MB ?? 0) * 2 ** 20,
      (answer) => answer.body.length,
    );
  }

  async page(integrationId: string, query: TabQuery): Promise<MembersPage> {
    // A malformed cursor or one of another query surfaces as InvalidCursor: 400 naming `cursor`.
    const page = await this.readModels
      .collection<MemberDoc>(MEMBERS)
      .find(tabQuery(integrationId, query));
    const [items, counts] = await Promise.all([this.views(page.items), this.counts(integrationId)]);
    return { items, nextCursor: page.nextCursor, counts };
  }

  /**
   * `page` as the JSON text of its answer, the same bytes as `JSON.stringify(page(…))`. A
   * member's view is rebuilt only when its stored document differs from the one it was built
   * from (or the assets moved): a page of 50 is then 50 string comparisons and a join.
   */
  async pageJson(integrationId: string, query: TabQuery): Promise<string> {
    return (await this.pageAnswer(integrationId, query)).body.toString('utf8');
  }

  /** `pageJson` as the bytes to send; a kept page's bytes (and ETag) are reused as they are. */
  async pageAnswer(integrationId: string, query: TabQuery): Promise<JsonAnswer> {
    const build = async () => jsonAnswer(await this.buildPageJson(integrationId, query));
    if (!this.pages.enabled) return build();
    // Everything a page shows is owned by these two projections (the counts by the first).
    const [members, assets] = await Promise.all([
      this.readModels.getCheckpoint(checkpointName(membersProjection)),
      this.readModels.getCheckpoint(checkpointName(assetsProjection)),
    ]);
    const at = `${members?.position ?? ''} ${assets?.position ?? ''}`;
    const { tab, search = '', cursor = '', limit } = query;
    const key = JSON.stringify([integrationId, tab, search, cursor, limit]);
    return this.pages.get(at, key, build);
  }

  private async buildPageJson(integrationId: string, query: TabQuery): Promise<string> {
    const page = await this.readModels
      .collection<MemberDoc>(MEMBERS)
      .findJson(tabQuery(integrationId, query));
    const [items, counts] = await Promise.all([
      this.viewsJson(page.items),
      this.counts(integrationId),
    ]);
    return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)},"counts":${JSON.stringify(counts)}}`;
  }

  private async viewsJson(rows: readonly StoredJson[]): Promise<string[]> {
    // Taken with the asset cache: views built from assets that have since moved go with it.
    const cache = await this.assetsAt();
    const { views } = cache;
    const stale = rows.filter((row) => views.get(row.id)?.doc !== row.json);
    if (stale.length > 0) {
      const built = await this.views(
        stale.map((row) => JSON.parse(row.json) as MemberDoc),
        cache,
      );
      if (views.size + stale.length > VIEW_CACHE_SIZE) views.clear();
      stale.forEach((row, i) =>
        views.set(row.id, { doc: row.json, view: JSON.stringify(built[i]) }),
      );
    }
    return rows.map((row) => views.get(row.id)?.view ?? '');
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
  private assetCache: AssetCache = { at: undefined, docs: new Map(), views: new Map() };

  private async assetsAt(): Promise<AssetCache> {
    const at = (await this.readModels.getCheckpoint(checkpointName(assetsProjection)))?.position;
    if (at !== this.assetCache.at || this.assetCache.docs.size > ASSET_CACHE_SIZE) {
      this.assetCache = { at, docs: new Map(), views: new Map() };
    }
    return this.assetCache;
  }

  private async assets(
    ids: readonly string[],
    cache?: AssetCache,
  ): Promise<ReadonlyMap<string, AssetDoc | null>> {
    // Kept by reference: a request that sees a newer checkpoint meanwhile starts another map.
    const { docs } = cache ?? (await this.assetsAt());
    const missing = ids.filter((id) => !docs.has(id));
    if (missing.length > 0) {
      const found = await this.readModels.collection<AssetDoc>(ASSETS).getMany(missing);
      for (const id of missing) docs.set(id, null);
      for (const doc of found) docs.set(doc.id, doc);
    }
    return docs;
  }

  /** `cache`: the asset cache the caller already took (one checkpoint read per request). */
  private async views(docs: MemberDoc[], cache?: AssetCache): Promise<MemberView[]> {
    const ids = [
      ...new Set(
        docs.flatMap((d) => Object.keys(d.assets).map((a) => assetDocId(d.integrationId, a))),
      ),
    ];
    const assets = await this.assets(ids, cache);
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

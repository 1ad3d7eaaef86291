import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '@app/domain';
import { READ_MODEL_STORE } from '@app/infrastructure';
import { InvalidCursor, type ReadModelStore } from '@app/readmodels';
import { ASSETS, assetDocId, type AssetDoc } from '../read-models/assets.projection';
import { MEMBERS, type MemberDoc } from '../read-models/members.projection';

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
  discoveredAt: string;
  updatedAt: string;
}

export interface MembersPage {
  items: MemberView[];
  nextCursor: string | null;
  counts: { unmatched: number; onboarded: number; exempted: number };
}

type Tab = 'unmatched' | 'onboarded' | 'exempted';

/** The three tabs. Search is a case-insensitive "contains" on name and email. */
@Injectable()
export class MembersQuery {
  constructor(@Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore) {}

  async page(
    integrationId: string,
    query: { tab: Tab; search?: string; cursor?: string; limit: number },
  ): Promise<MembersPage> {
    const members = this.readModels.collection<MemberDoc>(MEMBERS);
    const where = { integrationId, tab: query.tab };
    const sort = [{ field: 'name', direction: 'asc' as const }];
    let items: MemberDoc[];
    let nextCursor: string | null;
    if (query.search) {
      ({ items, nextCursor } = await this.search(
        where,
        query.search.toLowerCase(),
        query.cursor,
        query.limit,
      ));
    } else {
      ({ items, nextCursor } = await members.find({
        where,
        sort,
        limit: query.limit,
        cursor: query.cursor,
      }));
    }
    return { items: await this.views(items), nextCursor, counts: await this.counts(integrationId) };
  }

  /** How many members each tab holds: the numbers on the tabs and on the app card. */
  async counts(integrationId: string): Promise<MembersPage['counts']> {
    const members = this.readModels.collection<MemberDoc>(MEMBERS);
    const [unmatched, onboarded, exempted] = await Promise.all(
      (['unmatched', 'onboarded', 'exempted'] as const).map((tab) =>
        members.count({ integrationId, tab }),
      ),
    );
    return { unmatched, onboarded, exempted };
  }

  async one(integrationId: string, memberId: string): Promise<MemberView> {
    const doc = await this.readModels.collection<MemberDoc>(MEMBERS).get(memberId);
    if (!doc || doc.integrationId !== integrationId)
      throw new NotFound(`member ${memberId} not found`);
    return (await this.views([doc]))[0];
  }

  /**
   * The read-model port has no text index, so search scans one tab of one integration
   * (bounded by the business's size, ~10k members) and pages over the matches by offset.
   */
  private async search(
    where: Record<string, string>,
    needle: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: MemberDoc[]; nextCursor: string | null }> {
    // The cursor names its query, so that one of another search or tab is refused, not
    // silently read as an offset into different matches.
    const query = createHash('sha256')
      .update(JSON.stringify([where, needle]))
      .digest('base64url')
      .slice(0, 12);
    let offset = 0;
    if (cursor) {
      const match = /^s(\d{1,9})\.([A-Za-z0-9_-]+)$/.exec(cursor);
      if (!match || match[2] !== query) throw new InvalidCursor();
      offset = Number(match[1]);
    }
    const matches: MemberDoc[] = [];
    let page: string | undefined;
    do {
      const result = await this.readModels
        .collection<MemberDoc>(MEMBERS)
        .find({ where, sort: [{ field: 'name' }], limit: 1000, cursor: page });
      for (const doc of result.items) if (doc.searchText.includes(needle)) matches.push(doc);
      page = result.nextCursor ?? undefined;
    } while (page && matches.length < offset + limit + 1);
    const items = matches.slice(offset, offset + limit);
    const more = matches.length > offset + limit;
    return { items, nextCursor: more ? `s${offset + limit}.${query}` : null };
  }

  private async views(docs: MemberDoc[]): Promise<MemberView[]> {
    const ids = [
      ...new Set(
        docs.flatMap((d) => Object.keys(d.assets).map((a) => assetDocId(d.integrationId, a))),
      ),
    ];
    const assets = new Map(
      (await this.readModels.collection<AssetDoc>(ASSETS).getMany(ids)).map(
        (a) => [a.id, a] as const,
      ),
    );
    return docs.map((d) => ({
      id: d.id,
      pinterestUserId: d.pinterestUserId,
      name: d.name,
      email: d.email,
      businessRole: d.businessRole,
      assets: Object.entries(d.assets).map(([assetId, permissions]) => {
        const asset = assets.get(assetDocId(d.integrationId, assetId));
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
      discoveredAt: d.discoveredAt,
      updatedAt: d.updatedAt,
    }));
  }
}

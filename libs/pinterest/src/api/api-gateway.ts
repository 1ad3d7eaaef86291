import {
  AssetNotFound,
  AuthorizationFailed,
  InvalidRequest,
  maskEmail,
  MemberNotFound,
  UnexpectedPage,
} from '../errors';
import type { PinterestBusinessGateway } from '../gateway.port';
import { grantsByAsset, requestedEmails, samePermissions, sortPermissions } from '../gateway-rules';
import {
  ASSET_PERMISSIONS,
  ASSET_TYPES,
  type AssetPermission,
  type AssetType,
  type BusinessRole,
  type BusinessSnapshot,
  type CancelInviteResult,
  type ChangeRoleResult,
  type InviteMembersResult,
  type InviteStatus,
  INVITE_STATUSES,
  type LoginResult,
  type PinterestCredentials,
  type RemoveMemberResult,
  type SetAssetPermissionsResult,
  type SnapshotAsset,
  type SnapshotInvite,
  type SnapshotMember,
  type SnapshotOptions,
  type SnapshotPartner,
} from '../types';
import {
  ApiNotFound,
  PinterestApiClient,
  type PinterestApiClientOptions,
  type TokenInfo,
} from './api-client';

/** The scopes the connector needs: reads for checks, writes for member actions. */
export const REQUIRED_SCOPES = ['biz_access:read', 'biz_access:write'] as const;

export type PinterestApiGatewayOptions = PinterestApiClientOptions & {
  /** Items asked per page (the API allows up to 250). Default 250. */
  pageSize?: number;
};

// ---- the API's words, as far as this adapter reads them (see the kept description) ----

interface Page<T> {
  items?: T[];
  bookmark?: string | null;
}
interface UserSummary {
  id?: string | null;
  email?: string | null;
  username?: string | null;
}
interface AssetsSummary {
  ad_accounts?: { id?: string; permissions?: string[] }[];
  profiles?: { id?: string; permissions?: string[] }[];
}
interface RoleBinding {
  id?: string;
  user?: UserSummary | null;
  business_roles?: string[];
  created_time?: number | null;
  assets_summary?: AssetsSummary | null;
}
interface BusinessAsset {
  asset_id?: string;
  asset_type?: string;
  catalog_info?: { name?: string } | null;
}
interface AssetBinding {
  user?: UserSummary | null;
  permissions?: string[];
}
interface MemberAsset {
  asset_id?: string;
  asset_type?: string;
  permissions?: string[];
}
interface InviteData {
  id?: string;
  user?: UserSummary | null;
  business_roles?: string[];
  created_time?: number;
  invite_data?: { invite_status?: string; sent_at?: number };
}
interface InviteResult {
  invite?: { id?: string; user?: UserSummary } | null;
  exception?: { code?: number; message?: string; users_or_partner_ids?: string[] | null } | null;
}

const API_ROLE: Record<BusinessRole, 'BIZ_ADMIN' | 'EMPLOYEE'> = {
  MANAGER: 'BIZ_ADMIN',
  EMPLOYEE: 'EMPLOYEE',
};
const roleOf = (roles: readonly string[] | undefined): BusinessRole =>
  roles?.includes('BIZ_ADMIN') ? 'MANAGER' : 'EMPLOYEE';
const ASSET_LABEL: Record<AssetType, string> = {
  AD_ACCOUNT: 'Ad account',
  PROFILE: 'Profile',
  CATALOG: 'Catalog',
};

/**
 * The gateway over Pinterest's official REST API (v5 business access), with an app's OAuth
 * authorization instead of a login. Same port, same typed errors as the browser adapter:
 * every change is verified by reading it back, and a state that already holds succeeds with
 * its observed outcome.
 */
export class PinterestApiGateway implements PinterestBusinessGateway {
  private readonly client: PinterestApiClient;
  private readonly pageSize: number;

  constructor(options: PinterestApiGatewayOptions) {
    this.client = new PinterestApiClient(options);
    this.pageSize = options.pageSize ?? 250;
  }

  /** Scopes and expiry of the current token, once one was obtained. */
  get tokenInfo(): TokenInfo | undefined {
    return this.client.tokenInfo;
  }

  /**
   * The API has no login: this obtains a token and checks its scopes. The credentials are
   * ignored (an automation account is the browser connector's).
   * @throws AuthorizationFailed naming the first missing scope
   */
  async login(_credentials?: PinterestCredentials): Promise<LoginResult> {
    const info = await this.client.ensureToken();
    const missing = REQUIRED_SCOPES.find((s) => !info.scopes.includes(s));
    if (missing) {
      throw new AuthorizationFailed(`the app was not granted the scope ${missing}`, missing);
    }
    return { email: '', businesses: [] };
  }

  resumeLogin(_code: string): Promise<LoginResult> {
    return Promise.reject(new InvalidRequest('the API connector has no login challenge to resume'));
  }

  async logout(): Promise<void> {
    this.client.forget();
  }

  async close(): Promise<void> {
    this.client.forget();
  }

  private path(businessId: string, rest: string): string {
    return `/businesses/${encodeURIComponent(businessId)}/${rest}`;
  }

  /**
   * Every page of a list, bookmark after bookmark. A page without items, or a bookmark seen
   * before, ends the walk with a warning: the list cannot be proven read to its end.
   */
  private async all<T>(
    businessId: string,
    rest: string,
    query: Record<string, string | boolean | undefined>,
    warnings: string[],
  ): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let bookmark: string | undefined;
    for (;;) {
      const page = await this.client.call<Page<T>>({
        method: 'GET',
        path: this.path(businessId, rest),
        query: { ...query, page_size: this.pageSize, bookmark },
        businessId,
      });
      if (!Array.isArray(page.items)) {
        warnings.push(`${rest}: a page came without its items`);
        return out;
      }
      out.push(...page.items);
      if (page.bookmark === null || page.bookmark === undefined || page.bookmark === '') return out;
      if (seen.has(page.bookmark)) {
        warnings.push(`${rest}: the bookmark came back twice (the list changed while reading?)`);
        return out;
      }
      seen.add(page.bookmark);
      bookmark = page.bookmark;
    }
  }

  /** Known permissions, sorted; unknown ones are named in a warning and left out. */
  private permissions(
    raw: readonly string[] | undefined,
    where: string,
    warnings: string[],
  ): AssetPermission[] {
    const known: AssetPermission[] = [];
    for (const p of raw ?? []) {
      if ((ASSET_PERMISSIONS as readonly string[]).includes(p)) known.push(p as AssetPermission);
      else warnings.push(`${where}: permission ${p} is not one this service knows`);
    }
    return sortPermissions(known);
  }

  async fetchSnapshot(
    businessId: string,
    options: SnapshotOptions = {},
  ): Promise<BusinessSnapshot> {
    const progress = options.onProgress ?? (() => undefined);
    const takenAt = new Date().toISOString();
    const warnings: string[] = [];

    // Three chains at once (the client bounds the requests in flight): people, assets with
    // their catalog grants, partners; then invitations.
    const membersRead = this.all<RoleBinding>(
      businessId,
      'members',
      { assets_summary: true },
      warnings,
    );
    const assetsRead = Promise.all(
      ASSET_TYPES.map((type) =>
        this.all<BusinessAsset>(businessId, 'assets', { asset_type: type }, warnings).then((rows) =>
          rows.map((r) => ({ ...r, type })),
        ),
      ),
    ).then((lists) => lists.flat());
    const partnersRead = this.all<RoleBinding>(
      businessId,
      'partners',
      { assets_summary: true },
      warnings,
    );
    const invitesRead = this.all<InviteData>(
      businessId,
      'invites',
      { invite_type: 'MEMBER_INVITE' },
      warnings,
    );

    const assets: SnapshotAsset[] = [];
    const assetsAndCatalogGrants = assetsRead.then(async (assetRows) => {
      for (const row of assetRows) {
        if (!row.asset_id) {
          warnings.push(`an asset of type ${row.type} came without its id`);
          continue;
        }
        assets.push({
          id: row.asset_id,
          type: row.type,
          // The business-access API names catalogs only; other assets keep a name made of their id.
          name: row.catalog_info?.name ?? `${ASSET_LABEL[row.type]} ${row.asset_id}`,
        });
      }
      progress({ phase: 'assets', done: assets.length, total: assets.length });
      // The members' and partners' summaries cover ad accounts and profiles; catalogs are read
      // asset by asset.
      const catalogs = assets.filter((a) => a.type === 'CATALOG');
      return Promise.all(
        catalogs.map(async (c) => ({
          assetId: c.id,
          members: await this.all<AssetBinding>(
            businessId,
            `assets/${encodeURIComponent(c.id)}/members`,
            {},
            warnings,
          ),
          partners: await this.all<AssetBinding>(
            businessId,
            `assets/${encodeURIComponent(c.id)}/partners`,
            {},
            warnings,
          ),
        })),
      );
    });

    // Wait for every chain together: one failing must not leave the others' failures unheard.
    const [memberRows, catalogGrants, partnerRows, inviteRows] = await Promise.all([
      membersRead,
      assetsAndCatalogGrants,
      partnersRead,
      invitesRead,
    ]);
    const memberGrants = new Map<string, Map<string, AssetPermission[]>>();
    const members = new Map<string, SnapshotMember>();
    const grantOf = (
      target: Map<string, Map<string, AssetPermission[]>>,
      who: string,
      assetId: string,
      perms: AssetPermission[],
    ) => {
      let byAsset = target.get(who);
      if (!byAsset) target.set(who, (byAsset = new Map()));
      if (perms.length > 0) byAsset.set(assetId, perms);
    };
    for (const row of memberRows) {
      const id = row.id ?? row.user?.id ?? undefined;
      const email = row.user?.email ?? undefined;
      if (!id || !email) {
        warnings.push(`a member came without ${id ? 'an email' : 'an id'}`);
        continue;
      }
      if (members.has(id))
        warnings.push(`member ${id} was listed twice (the list changed while reading)`);
      members.set(id, {
        id,
        name: row.user?.username ?? email,
        email,
        role: roleOf(row.business_roles),
        addedAt: new Date(row.created_time ?? Date.parse(takenAt)).toISOString(),
        assetsCount: 0,
      });
      for (const a of [
        ...(row.assets_summary?.ad_accounts ?? []),
        ...(row.assets_summary?.profiles ?? []),
      ]) {
        if (a.id)
          grantOf(
            memberGrants,
            id,
            a.id,
            this.permissions(a.permissions, `member ${id}`, warnings),
          );
      }
    }
    // The list came whole: one progress report, not one per person.
    progress({ phase: 'members', done: members.size, total: members.size });
    const partnerGrants = new Map<string, Map<string, AssetPermission[]>>();
    const partners: SnapshotPartner[] = [];
    for (const row of partnerRows) {
      const id = row.id ?? row.user?.id ?? undefined;
      if (!id) {
        warnings.push('a partner came without an id');
        continue;
      }
      partners.push({ id, name: row.user?.username ?? id, people: null });
      for (const a of [
        ...(row.assets_summary?.ad_accounts ?? []),
        ...(row.assets_summary?.profiles ?? []),
      ]) {
        if (a.id)
          grantOf(
            partnerGrants,
            id,
            a.id,
            this.permissions(a.permissions, `partner ${id}`, warnings),
          );
      }
    }
    for (const c of catalogGrants) {
      for (const m of c.members) {
        const id = m.user?.id;
        if (!id || !members.has(id)) {
          warnings.push(
            `catalog ${c.assetId} lists a member ${id ?? '(no id)'} the member list does not`,
          );
          continue;
        }
        grantOf(
          memberGrants,
          id,
          c.assetId,
          this.permissions(m.permissions, `member ${id}`, warnings),
        );
      }
      for (const p of c.partners) {
        const id = p.user?.id;
        if (!id || !partners.some((x) => x.id === id)) {
          warnings.push(
            `catalog ${c.assetId} lists a partner ${id ?? '(no id)'} the partner list does not`,
          );
          continue;
        }
        grantOf(
          partnerGrants,
          id,
          c.assetId,
          this.permissions(p.permissions, `partner ${id}`, warnings),
        );
      }
    }
    progress({ phase: 'partners', done: partners.length, total: partners.length });

    // Grants in asset order, then people in list order, then partners, as the browser reads them.
    const { place, grants } = grantsByAsset(
      assets.map((a) => a.id),
      warnings,
    );
    for (const m of members.values()) {
      const grants = memberGrants.get(m.id) ?? new Map<string, AssetPermission[]>();
      m.assetsCount = grants.size;
      for (const [assetId, permissions] of grants) {
        place({ principalType: 'MEMBER', principalId: m.id, assetId, permissions });
      }
    }
    for (const p of partners) {
      for (const [assetId, permissions] of partnerGrants.get(p.id) ?? []) {
        place({ principalType: 'PARTNER', principalId: p.id, assetId, permissions });
      }
    }

    const invites: SnapshotInvite[] = [];
    for (const row of inviteRows) {
      const email = row.user?.email;
      const status = row.invite_data?.invite_status;
      if (!email || !status || !(INVITE_STATUSES as readonly string[]).includes(status)) {
        warnings.push(`an invitation came without ${email ? 'a known status' : 'an email'}`);
        continue;
      }
      invites.push({
        email,
        role: roleOf(row.business_roles),
        status: status as InviteStatus,
        sentAt: new Date(
          row.invite_data?.sent_at ?? row.created_time ?? Date.parse(takenAt),
        ).toISOString(),
      });
    }

    return {
      businessId,
      // The business-access API does not name the business.
      businessName: '',
      takenAt,
      members: [...members.values()],
      pendingInvites: invites.filter((i) => i.status === 'PENDING'),
      invites,
      assets,
      partners,
      grants: grants(),
      warnings,
      complete: warnings.length === 0,
      evidence: [],
    };
  }

  // ---------------- changes ----------------

  private async member(businessId: string, memberId: string): Promise<RoleBinding | undefined> {
    const page = await this.client.call<Page<RoleBinding>>({
      method: 'GET',
      path: this.path(businessId, 'members'),
      query: { member_ids: memberId },
      businessId,
    });
    return page.items?.find((m) => (m.id ?? m.user?.id) === memberId);
  }

  async removeMember(businessId: string, memberId: string): Promise<RemoveMemberResult> {
    const before = await this.member(businessId, memberId);
    if (!before) return { memberId, outcome: 'already_absent' };
    await this.client.call({
      method: 'DELETE',
      path: this.path(businessId, 'members'),
      body: {
        members: [{ member_id: memberId, business_role: API_ROLE[roleOf(before.business_roles)] }],
      },
      businessId,
    });
    if (await this.member(businessId, memberId)) {
      throw new UnexpectedPage(
        this.path(businessId, 'members'),
        `member ${memberId} removed`,
        'still listed',
      );
    }
    return { memberId, outcome: 'removed' };
  }

  async changeRole(
    businessId: string,
    memberId: string,
    role: BusinessRole,
  ): Promise<ChangeRoleResult> {
    const before = await this.member(businessId, memberId);
    if (!before) throw new MemberNotFound(businessId, memberId);
    if (roleOf(before.business_roles) === role) return { memberId, role, outcome: 'unchanged' };
    await this.client.call({
      method: 'PATCH',
      path: this.path(businessId, 'members'),
      body: [{ member_id: memberId, business_role: API_ROLE[role] }],
      businessId,
    });
    const after = await this.member(businessId, memberId);
    if (!after) throw new MemberNotFound(businessId, memberId);
    if (roleOf(after.business_roles) !== role) {
      throw new UnexpectedPage(
        this.path(businessId, 'members'),
        `role ${role} for ${memberId}`,
        after.business_roles?.join(', '),
      );
    }
    return { memberId, role, outcome: 'changed' };
  }

  /** The member's permissions on one asset, asked of each asset type's list. */
  private async permissionsOn(
    businessId: string,
    memberId: string,
    assetId: string,
  ): Promise<AssetPermission[]> {
    const warnings: string[] = [];
    try {
      const lists = await Promise.all(
        ASSET_TYPES.map((type) =>
          this.all<MemberAsset>(
            businessId,
            `members/${encodeURIComponent(memberId)}/assets`,
            { asset_type: type },
            warnings,
          ),
        ),
      );
      const row = lists.flat().find((a) => a.asset_id === assetId);
      return this.permissions(row?.permissions, `member ${memberId}`, warnings);
    } catch (e) {
      if (e instanceof ApiNotFound) throw new MemberNotFound(businessId, memberId);
      throw e;
    }
  }

  async setAssetPermissions(
    businessId: string,
    memberId: string,
    assetId: string,
    permissions: readonly AssetPermission[],
  ): Promise<SetAssetPermissionsResult> {
    const wanted = sortPermissions(permissions);
    const unknown = wanted.filter((p) => !ASSET_PERMISSIONS.includes(p));
    if (unknown.length > 0) throw new InvalidRequest(`unknown permissions ${unknown.join(', ')}`);
    if (!(await this.member(businessId, memberId))) throw new MemberNotFound(businessId, memberId);
    const before = await this.permissionsOn(businessId, memberId, assetId);
    const result = (outcome: SetAssetPermissionsResult['outcome']): SetAssetPermissionsResult => ({
      memberId,
      assetId,
      permissions: wanted,
      outcome,
    });
    if (samePermissions(before, wanted)) return result('unchanged');
    try {
      await this.client.call(
        wanted.length === 0
          ? {
              method: 'DELETE',
              path: this.path(businessId, 'members/assets/access'),
              body: { accesses: [{ member_id: memberId, asset_id: assetId }] },
              businessId,
            }
          : {
              method: 'PATCH',
              path: this.path(businessId, 'members/assets/access'),
              body: { accesses: [{ member_id: memberId, asset_id: assetId, permissions: wanted }] },
              businessId,
            },
      );
    } catch (e) {
      if (e instanceof ApiNotFound) {
        if (/member|person/i.test(e.detail)) throw new MemberNotFound(businessId, memberId);
        throw new AssetNotFound(businessId, assetId);
      }
      throw e;
    }
    const after = await this.permissionsOn(businessId, memberId, assetId);
    if (!samePermissions(after, wanted)) {
      throw new UnexpectedPage(
        this.path(businessId, `members/${memberId}/assets`),
        `permissions ${wanted.join(', ') || 'none'} on ${assetId}`,
        after.join(', '),
      );
    }
    return result(wanted.length === 0 ? 'removed' : before.length === 0 ? 'granted' : 'updated');
  }

  private async pendingInvites(businessId: string): Promise<InviteData[]> {
    const warnings: string[] = [];
    const rows = await this.all<InviteData>(
      businessId,
      'invites',
      { invite_type: 'MEMBER_INVITE', invite_status: 'PENDING' },
      warnings,
    );
    return rows.filter((r) => r.invite_data?.invite_status === 'PENDING');
  }

  async inviteMembers(
    businessId: string,
    emails: readonly string[],
    role: BusinessRole,
  ): Promise<InviteMembersResult> {
    const requested = requestedEmails(emails);
    if (requested.length === 0) return { results: [] };
    const pendingOf = async () =>
      new Set((await this.pendingInvites(businessId)).map((i) => i.user?.email?.toLowerCase()));
    const pending = await pendingOf();
    const outcomes = new Map<string, InviteMembersResult['results'][number]['outcome']>();
    const toSend = requested.filter((e) => {
      if (!pending.has(e.toLowerCase())) return true;
      outcomes.set(e, 'already_invited');
      return false;
    });
    for (let i = 0; i < toSend.length; i += 50) {
      const batch = toSend.slice(i, i + 50);
      const answer = await this.client.call<{ items?: InviteResult[] }>({
        method: 'POST',
        path: this.path(businessId, 'invites'),
        body: { business_role: API_ROLE[role], invite_type: 'MEMBER_INVITE', members: batch },
        businessId,
      });
      for (const [n, item] of (answer.items ?? []).entries()) {
        const email =
          item.invite?.user?.email ??
          batch.find((e) =>
            item.exception?.users_or_partner_ids?.some((x) => x.toLowerCase() === e.toLowerCase()),
          ) ??
          batch[n];
        if (!email) continue;
        if (item.invite) outcomes.set(email, 'invited');
        else if (/already (a )?member/i.test(item.exception?.message ?? ''))
          outcomes.set(email, 'already_member');
        else if (/pending invite|already invited/i.test(item.exception?.message ?? ''))
          outcomes.set(email, 'already_invited');
        else
          throw new InvalidRequest(
            `inviting ${maskEmail(email)}: ${item.exception?.message ?? 'refused'}`,
          );
      }
    }
    const sent = requested.filter((e) => outcomes.get(e) === 'invited');
    if (sent.length > 0) {
      const after = await pendingOf();
      const missing = sent.filter((e) => !after.has(e.toLowerCase()));
      if (missing.length > 0) {
        throw new UnexpectedPage(
          this.path(businessId, 'invites'),
          `pending invitations for ${missing.length} email(s)`,
        );
      }
    }
    for (const e of requested) {
      if (!outcomes.has(e))
        throw new UnexpectedPage(this.path(businessId, 'invites'), `an answer for ${maskEmail(e)}`);
    }
    return { results: requested.map((email) => ({ email, outcome: outcomes.get(email)! })) };
  }

  async cancelInvite(businessId: string, email: string): Promise<CancelInviteResult> {
    const key = email.trim().toLowerCase();
    const find = async () =>
      (await this.pendingInvites(businessId)).find((i) => i.user?.email?.toLowerCase() === key);
    const invite = await find();
    if (!invite?.id) return { email, outcome: 'already_absent' };
    await this.client.call({
      method: 'DELETE',
      path: this.path(businessId, 'invites'),
      body: { invite_ids: [invite.id] },
      businessId,
    });
    if (await find()) {
      throw new UnexpectedPage(
        this.path(businessId, 'invites'),
        `the invitation for ${maskEmail(email)} cancelled`,
      );
    }
    return { email, outcome: 'cancelled' };
  }
}

export function createApiGateway(options: PinterestApiGatewayOptions): PinterestApiGateway {
  return new PinterestApiGateway(options);
}

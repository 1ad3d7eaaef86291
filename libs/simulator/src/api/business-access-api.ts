import { ChangeRefused, type Business, type Member, type SimulatorState } from '../state';
import { PERMISSIONS, type AssetType, type Permission, type Role } from '../types';
import { BIZ_ACCESS_READ, BIZ_ACCESS_WRITE, OAuthRefused, type OAuthServer } from './oauth';

/** One answer of the REST API: status, JSON body (absent for an empty answer), headers. */
export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiRequest {
  method: string;
  /** The path after /v5, e.g. /businesses/1/members */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The raw body, parsed here because the token route is form-encoded. */
  body: string;
}

/** Pinterest's error body: `{ code, message }` (the description's Error schema). */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 250;

const ROLE_OF_API: Record<string, Role> = { BIZ_ADMIN: 'MANAGER', EMPLOYEE: 'EMPLOYEE' };
const API_ROLE: Record<Role, 'BIZ_ADMIN' | 'EMPLOYEE'> = {
  MANAGER: 'BIZ_ADMIN',
  EMPLOYEE: 'EMPLOYEE',
};
const ASSET_TYPES: readonly AssetType[] = ['AD_ACCOUNT', 'PROFILE', 'CATALOG'];

const millis = (iso: string): number => new Date(iso).getTime();

/**
 * The bookmark is opaque to clients; here it is the offset of the next item, signed with the
 * list it belongs to so that a bookmark of one list is refused by another.
 */
const bookmarkOf = (list: string, offset: number): string =>
  Buffer.from(`${list}|${offset}`).toString('base64url');

function page<T>(
  list: string,
  items: readonly T[],
  query: URLSearchParams,
): { items: T[]; bookmark: string | null } {
  const sizeRaw = query.get('page_size');
  const size = sizeRaw === null ? DEFAULT_PAGE_SIZE : Number(sizeRaw);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new ApiError(400, 1, `page_size must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  let offset = 0;
  const bookmark = query.get('bookmark');
  if (bookmark) {
    const [owner, at] = Buffer.from(bookmark, 'base64url').toString('utf8').split('|');
    offset = Number(at);
    if (owner !== list || !Number.isInteger(offset) || offset < 0) {
      throw new ApiError(400, 1, 'Invalid bookmark');
    }
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size;
  return { items: slice, bookmark: next < items.length ? bookmarkOf(list, next) : null };
}

const userOf = (m: Member): { id: string; email: string; username: string } => ({
  id: m.id,
  email: m.email,
  // The API names people by username, not by full name; the simulator's people have no
  // username of their own, so their display name stands in for it.
  username: m.name,
});

/**
 * The business-access part of Pinterest's REST API v5 over the simulator's state: the same
 * businesses the pages show, so a change made through either shows through the other.
 */
export class BusinessAccessApi {
  constructor(
    private readonly state: SimulatorState,
    private readonly oauth: OAuthServer,
  ) {}

  handle(req: ApiRequest): ApiAnswer {
    try {
      if (req.path === '/oauth/token' && req.method === 'POST') {
        return {
          status: 200,
          body: this.oauth.token(req.authorization, new URLSearchParams(req.body)),
        };
      }
      return this.business(req);
    } catch (e) {
      if (e instanceof ApiError || e instanceof OAuthRefused) {
        return { status: e.status, body: { code: e.code, message: e.message } };
      }
      if (e instanceof ChangeRefused) {
        return { status: e.status, body: { code: e.status === 404 ? 4 : 1, message: e.message } };
      }
      throw e;
    }
  }

  private business(req: ApiRequest): ApiAnswer {
    const m = /^\/businesses\/([^/]+)\/(.+)$/.exec(req.path);
    if (!m) throw new ApiError(404, 4, 'Not found');
    const grant = this.oauth.bearer(req.authorization);
    const write = req.method !== 'GET';
    const needed = write ? BIZ_ACCESS_WRITE : BIZ_ACCESS_READ;
    if (!grant.scopes.includes(needed)) {
      throw new ApiError(401, 3, `Authorization failed: the token lacks the scope ${needed}`);
    }
    const businessId = decodeURIComponent(m[1]!);
    const b = this.state.businesses.get(businessId);
    // A business the app's user is not part of is not there, as far as the token can tell.
    if (!b || grant.app.businessId !== businessId)
      throw new ApiError(404, 4, 'Business not found.');
    const actor = b.memberByEmail(grant.app.actingAs);
    if (!actor) throw new ApiError(403, 29, 'You are not permitted to access that resource.');
    if (actor.role !== 'MANAGER') {
      throw new ApiError(403, 29, 'You are not permitted to access that resource.');
    }
    const by = { email: actor.email, channel: 'api' as const };
    const route = `${req.method} ${m[2]!.replace(/\/+$/, '')}`;
    const json = (): Record<string, unknown> => {
      try {
        const v: unknown = JSON.parse(req.body || 'null');
        return (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
      } catch {
        throw new ApiError(400, 1, 'The body must be JSON');
      }
    };
    const q = req.query;

    if (route === 'GET members') {
      const summary = q.get('assets_summary') === 'true';
      const ids = q.get('member_ids');
      const wanted = ids ? new Set(ids.split(',').map((s) => s.trim())) : null;
      const roles = q.getAll('business_roles').flatMap((r) => r.split(','));
      const members = [...b.members.values()].filter(
        (x) =>
          (!wanted || wanted.has(x.id)) && (roles.length === 0 || roles.includes(API_ROLE[x.role])),
      );
      const p = page('members', members, q);
      return ok({ ...p, items: p.items.map((x) => this.memberBinding(b, x, summary)) });
    }
    if (route === 'DELETE members') {
      const body = json();
      const list = arrayOf(body.members, 'members', 50);
      const deleted: string[] = [];
      for (const item of list) {
        const memberId = stringField(item, 'member_id');
        const role = ROLE_OF_API[stringField(item, 'business_role')];
        if (!role) throw new ApiError(400, 1, 'business_role must be EMPLOYEE or BIZ_ADMIN');
        const member = b.members.get(memberId);
        // Only a membership that holds as stated is ended; anything else is left alone.
        if (!member || member.role !== role) continue;
        this.state.removeMember(b.id, memberId, by);
        deleted.push(memberId);
      }
      return ok({ deleted_members: deleted });
    }
    if (route === 'PATCH members') {
      const list = arrayOf(parseJsonArray(req.body), 'body', 1000);
      const items: { member_id: string; business_role: string }[] = [];
      for (const item of list) {
        const memberId = stringField(item, 'member_id');
        const role = ROLE_OF_API[stringField(item, 'business_role')];
        if (!role) throw new ApiError(400, 1, 'business_role must be EMPLOYEE or BIZ_ADMIN');
        if (!b.members.has(memberId)) continue;
        const member = this.state.changeRole(b.id, memberId, role, by);
        items.push({ member_id: member.id, business_role: API_ROLE[member.role] });
      }
      return ok({ items });
    }
    const memberAssets = /^GET members\/([^/]+)\/assets$/.exec(route);
    if (memberAssets) {
      const memberId = decodeURIComponent(memberAssets[1]!);
      if (!b.members.has(memberId)) throw new ApiError(404, 4, 'Member not found.');
      const type = assetTypeOf(q);
      const rows = [...b.assetIdsOf(memberId)]
        .map((id) => b.assets.get(id))
        .filter((a) => a !== undefined && a.type === type)
        .map((a) => ({
          asset_id: a!.id,
          asset_type: a!.type,
          permissions: b.permissionsOf(memberId, a!.id),
        }));
      return ok(page(`member-assets-${memberId}-${type}`, rows, q));
    }
    if (route === 'PATCH members/assets/access') {
      const list = arrayOf(json().accesses, 'accesses', 50);
      const items = list.map((item) => {
        const memberId = stringField(item, 'member_id');
        const assetId = stringField(item, 'asset_id');
        const permissions = permissionsField(item);
        if (permissions.length === 0) throw new ApiError(400, 1, 'permissions must not be empty');
        this.state.setAssetPermissions(b.id, memberId, assetId, permissions, by);
        return {
          response: {
            asset_id: assetId,
            member_id: memberId,
            permissions: b.permissionsOf(memberId, assetId),
          },
        };
      });
      return ok({ items });
    }
    if (route === 'DELETE members/assets/access') {
      const list = arrayOf(json().accesses, 'accesses', 100);
      const items: { asset_id: string; member_id: string }[] = [];
      for (const item of list) {
        const memberId = stringField(item, 'member_id');
        const assetId = stringField(item, 'asset_id');
        if (b.permissionsOf(memberId, assetId).length === 0) continue;
        this.state.setAssetPermissions(b.id, memberId, assetId, [], by);
        items.push({ asset_id: assetId, member_id: memberId });
      }
      return ok({ items });
    }
    if (route === 'GET assets') {
      const type = assetTypeOf(q);
      const rows = [...b.assets.values()]
        .filter((a) => a.type === type)
        .map((a) => ({
          asset_id: a.id,
          asset_type: a.type,
          ...(a.type === 'CATALOG' && {
            catalog_info: { id: a.id, name: a.name, catalog_type: 'PRODUCT' },
          }),
        }));
      return ok(page(`assets-${type}`, rows, q));
    }
    const assetMembers = /^GET assets\/([^/]+)\/(members|partners)$/.exec(route);
    if (assetMembers) {
      const assetId = decodeURIComponent(assetMembers[1]!);
      if (!b.assets.has(assetId)) throw new ApiError(404, 4, 'Asset not found.');
      if (assetMembers[2] === 'members') {
        const rows = b.peopleOn(assetId).map(({ member, permissions }) => ({
          user: userOf(member),
          permissions,
        }));
        return ok(page(`asset-members-${assetId}`, rows, q));
      }
      const rows = b.partnersOn(assetId).map(({ partner, permissions }) => ({
        user: { id: partner.id, username: partner.name, email: null },
        permissions,
      }));
      return ok(page(`asset-partners-${assetId}`, rows, q));
    }
    if (route === 'GET partners') {
      if ((q.get('partner_type') ?? 'INTERNAL') === 'EXTERNAL')
        return ok({ items: [], bookmark: null });
      const summary = q.get('assets_summary') === 'true';
      const ids = q.get('partner_ids');
      const wanted = ids ? new Set(ids.split(',').map((s) => s.trim())) : null;
      const partners = [...b.partners.values()].filter((p) => !wanted || wanted.has(p.id));
      const p = page('partners', partners, q);
      return ok({
        ...p,
        items: p.items.map((partner) => ({
          id: partner.id,
          user: { id: partner.id, username: partner.name, email: null },
          business_roles: ['PARTNER'],
          is_shared_partner: false,

          ...(summary && {
            assets_summary: this.summary(
              b,
              [...partner.grants].map(([assetId, permissions]) => ({ assetId, permissions })),
            ),
          }),
        })),
      });
    }
    const partnerAssets = /^GET partners\/([^/]+)\/assets$/.exec(route);
    if (partnerAssets) {
      const partner = b.partners.get(decodeURIComponent(partnerAssets[1]!));
      if (!partner) throw new ApiError(404, 4, 'Partner not found.');
      const type = assetTypeOf(q);
      const rows = [...partner.grants]
        .filter(
          ([assetId, permissions]) =>
            b.assets.get(assetId)?.type === type && permissions.length > 0,
        )
        .map(([assetId, permissions]) => ({ asset_id: assetId, asset_type: type, permissions }));
      return ok(page(`partner-assets-${partner.id}-${type}`, rows, q));
    }
    if (route === 'GET invites') {
      const statuses = q.getAll('invite_status').flatMap((s) => s.split(','));
      const type = q.get('invite_type');
      if (
        type === 'PARTNER_INVITE' ||
        type === 'PARTNER_REQUEST' ||
        q.get('is_member') === 'false'
      ) {
        return ok({ items: [], bookmark: null });
      }
      const invites = [...b.invites.values()].filter(
        (i) => statuses.length === 0 || statuses.includes(i.status),
      );
      const p = page('invites', invites, q);
      return ok({
        ...p,
        items: p.items.map((i) => ({
          id: i.id,
          user: { email: i.email, id: null, username: null },
          business_roles: [API_ROLE[i.role]],

          created_time: millis(i.sentAt),
          is_received_invite: false,

          invite_data: {
            invite_status: i.status,
            invite_type: 'MEMBER_INVITE',
            sent_at: millis(i.sentAt),
            last_updated_time: millis(i.sentAt),
            invite_expiration: millis(i.sentAt) + 30 * 24 * 3600_000,
          },
        })),
      });
    }
    if (route === 'POST invites') {
      const body = json();
      if (body.invite_type !== 'MEMBER_INVITE') {
        throw new ApiError(
          400,
          1,
          'invite_type must be MEMBER_INVITE (partner invites are not simulated)',
        );
      }
      const role = ROLE_OF_API[String(body.business_role)];
      if (!role) throw new ApiError(400, 1, 'business_role must be EMPLOYEE or BIZ_ADMIN');
      const emails = arrayOf(body.members, 'members', 50).map((e) => {
        if (typeof e !== 'string' || !/^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/.test(e)) {
          throw new ApiError(400, 1, 'members must hold email addresses');
        }
        return e;
      });
      const outcomes = this.state.invite(b.id, emails, role, by);
      return ok({
        items: outcomes.map((o) => {
          if (o.outcome === 'invited') {
            const invite = b.invites.get(o.email.toLowerCase())!;
            return {
              invite: { id: invite.id, user: { email: invite.email, id: null, username: null } },
            };
          }
          return {
            exception: {
              code: 409,
              message:
                o.outcome === 'already_member'
                  ? 'The user is already a member of this business.'
                  : 'The user already has a pending invite from this business.',
              users_or_partner_ids: [o.email],
              invite_or_request_id: null,
            },
          };
        }),
      });
    }
    if (route === 'DELETE invites') {
      const ids = arrayOf(json().invite_ids, 'invite_ids', 50).map(String);
      return ok({
        items: ids.map((id) => {
          const invite = [...b.invites.values()].find((i) => i.id === id);
          if (!invite || invite.status !== 'PENDING') {
            return {
              exception: {
                invite_id: id,
                message:
                  'Business Invite request cannot be performed on current invitation status.',
              },
            };
          }
          const cancelled = this.state.cancelInvite(b.id, invite.email, by);
          return {
            invite: {
              id: cancelled.id,
              user: { email: cancelled.email, id: null, username: null },
              is_received_invite: false,
              invite_data: {
                invite_status: cancelled.status,
                invite_type: 'MEMBER_INVITE',
                sent_at: millis(cancelled.sentAt),
                last_updated_time: millis(this.state.now()),
              },
            },
          };
        }),
      });
    }
    throw new ApiError(404, 4, `No route ${req.method} /v5${req.path}`);
  }

  private memberBinding(b: Business, m: Member, summary: boolean): Record<string, unknown> {
    return {
      id: m.id,
      user: userOf(m),
      business_roles: [API_ROLE[m.role]],
      created_time: millis(m.addedAt),

      ...(summary && {
        assets_summary: this.summary(
          b,
          [...b.assetIdsOf(m.id)].map((assetId) => ({
            assetId,
            permissions: b.permissionsOf(m.id, assetId),
          })),
        ),
      }),
    };
  }

  /** Ad accounts and profiles only: catalogs are read through the per-asset routes. */
  private summary(
    b: Business,
    grants: { assetId: string; permissions: Permission[] }[],
  ): { ad_accounts: unknown[]; profiles: unknown[] } {
    const of = (type: AssetType) =>
      grants
        .filter((g) => b.assets.get(g.assetId)?.type === type && g.permissions.length > 0)
        .map((g) => ({ id: g.assetId, permissions: [...g.permissions] }));
    return { ad_accounts: of('AD_ACCOUNT'), profiles: of('PROFILE') };
  }
}

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

function assetTypeOf(q: URLSearchParams): AssetType {
  const raw = q.get('asset_type') ?? 'AD_ACCOUNT';
  if (!(ASSET_TYPES as readonly string[]).includes(raw)) {
    throw new ApiError(400, 1, `asset_type ${raw} is not supported here`);
  }
  return raw as AssetType;
}

function parseJsonArray(text: string): unknown {
  try {
    return JSON.parse(text || 'null');
  } catch {
    throw new ApiError(400, 1, 'The body must be JSON');
  }
}

function arrayOf(v: unknown, field: string, max: number): Record<string, unknown>[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > max) {
    throw new ApiError(400, 1, `${field} must be a list of 1 to ${max} items`);
  }
  return v as Record<string, unknown>[];
}

function stringField(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v === '') throw new ApiError(400, 1, `${field} is required`);
  return v;
}

function permissionsField(o: Record<string, unknown>): Permission[] {
  const v = o.permissions;
  if (!Array.isArray(v)) throw new ApiError(400, 1, 'permissions must be a list');
  const bad = v.filter((p) => !(PERMISSIONS as readonly unknown[]).includes(p));
  if (bad.length > 0) throw new ApiError(400, 1, `Unknown permission ${bad.join(', ')}`);
  return v as Permission[];
}

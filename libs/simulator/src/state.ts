import { validateFixture } from './fixture-validation';
import {
  PERMISSIONS,
  PERMISSIONS_BY_ASSET_TYPE,
  type AssetType,
  type BusinessFixture,
  type InviteStatus,
  type LogAction,
  type LogChannel,
  type LogEntry,
  type Permission,
  type Role,
  type SimulatorFixture,
} from './types';

export interface Member {
  id: string;
  name: string;
  email: string;
  role: Role;
  addedAt: string;
}

export interface Invite {
  /** Digits, as the API names invitations; the pages name them by email. */
  id: string;
  email: string;
  role: Role;
  status: InviteStatus;
  sentAt: string;
}

export interface Asset {
  id: string;
  type: AssetType;
  name: string;
}

export interface PartnerPerson {
  id: string;
  name: string;
  email: string;
}

export interface Partner {
  id: string;
  name: string;
  grants: Map<string, Permission[]>;
  /** Undefined when the partner's people cannot be seen from here. */
  people: PartnerPerson[] | undefined;
}

export interface Account {
  email: string;
  password: string;
  twoFactor: boolean;
}

/** A change refused for a reason the page shows to the user. */
export class ChangeRefused extends Error {
  override readonly name = 'ChangeRefused';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const sortPermissions = (perms: Iterable<Permission>): Permission[] =>
  [...new Set(perms)].sort((a, b) => PERMISSIONS.indexOf(a) - PERMISSIONS.indexOf(b));

/**
 * One business, indexed both ways (asset → people and person → assets) because the pages
 * ask both questions on every request and the generated businesses hold 10,000 people.
 */
export class Business {
  readonly members = new Map<string, Member>();
  private readonly memberIdByEmail = new Map<string, string>();
  readonly invites = new Map<string, Invite>();
  readonly assets = new Map<string, Asset>();
  /** assetId → memberId → permissions */
  private readonly grantsByAsset = new Map<string, Map<string, Permission[]>>();
  /** memberId → assetIds */
  private readonly assetsByMember = new Map<string, Set<string>>();
  readonly partners = new Map<string, Partner>();
  private lastInviteId = 0;

  constructor(
    readonly id: string,
    readonly name: string,
  ) {}

  static fromFixture(f: BusinessFixture, now: string): Business {
    const b = new Business(f.id, f.name);
    for (const m of f.members) {
      b.addMember({
        id: m.id,
        name: m.name,
        email: m.email,
        role: m.role,
        addedAt: new Date(m.addedAt ?? now).toISOString(),
      });
    }
    for (const i of f.invites ?? []) {
      b.invites.set(i.email.toLowerCase(), {
        id: b.nextInviteId(),
        email: i.email,
        role: i.role,
        status: i.status,
        sentAt: new Date(i.sentAt ?? now).toISOString(),
      });
    }
    for (const a of f.assets ?? []) b.assets.set(a.id, { id: a.id, type: a.type, name: a.name });
    for (const g of f.grants ?? []) b.putGrant(g.memberId, g.assetId, g.permissions);
    for (const p of f.partners ?? []) {
      b.partners.set(p.id, {
        id: p.id,
        name: p.name,
        grants: new Map(p.grants.map((g) => [g.assetId, sortPermissions(g.permissions)])),
        people: p.members?.map((m) => ({ id: m.id, name: m.name, email: m.email })),
      });
    }
    return b;
  }

  toFixture(accounts: ReadonlyMap<string, Account>): BusinessFixture {
    const grants: BusinessFixture['grants'] = [];
    for (const [assetId, byMember] of this.grantsByAsset) {
      for (const [memberId, permissions] of byMember) {
        grants.push({ memberId, assetId, permissions: [...permissions] });
      }
    }
    return {
      id: this.id,
      name: this.name,
      members: [...this.members.values()].map((m) => {
        const account = accounts.get(m.email.toLowerCase());
        return {
          ...m,
          ...(account ? { password: account.password } : {}),
          ...(account?.twoFactor ? { twoFactor: true } : {}),
        };
      }),
      invites: [...this.invites.values()].map(({ id: _id, ...i }) => ({ ...i })),
      assets: [...this.assets.values()].map((a) => ({ ...a })),
      grants,
      partners: [...this.partners.values()].map((p) => ({
        id: p.id,
        name: p.name,
        grants: [...p.grants].map(([assetId, permissions]) => ({
          assetId,
          permissions: [...permissions],
        })),
        ...(p.people ? { members: p.people.map((x) => ({ ...x })) } : {}),
      })),
    };
  }

  nextInviteId(): string {
    this.lastInviteId += 1;
    return `${this.id.slice(0, 6)}${String(this.lastInviteId).padStart(9, '0')}`.replace(
      /\D/g,
      '9',
    );
  }

  private addMember(m: Member): void {
    this.members.set(m.id, m);
    this.memberIdByEmail.set(m.email.toLowerCase(), m.id);
  }

  memberByEmail(email: string): Member | undefined {
    const id = this.memberIdByEmail.get(email.trim().toLowerCase());
    return id === undefined ? undefined : this.members.get(id);
  }

  assetIdsOf(memberId: string): ReadonlySet<string> {
    return this.assetsByMember.get(memberId) ?? new Set();
  }

  permissionsOf(memberId: string, assetId: string): Permission[] {
    return this.grantsByAsset.get(assetId)?.get(memberId) ?? [];
  }

  /** People with access to an asset, in the order the grants were made. */
  peopleOn(assetId: string): { member: Member; permissions: Permission[] }[] {
    const out: { member: Member; permissions: Permission[] }[] = [];
    for (const [memberId, permissions] of this.grantsByAsset.get(assetId) ?? []) {
      const member = this.members.get(memberId);
      if (member) out.push({ member, permissions });
    }
    return out;
  }

  partnersOn(assetId: string): { partner: Partner; permissions: Permission[] }[] {
    const out: { partner: Partner; permissions: Permission[] }[] = [];
    for (const partner of this.partners.values()) {
      const permissions = partner.grants.get(assetId);
      if (permissions && permissions.length > 0) out.push({ partner, permissions });
    }
    return out;
  }

  putGrant(memberId: string, assetId: string, permissions: readonly Permission[]): void {
    const perms = sortPermissions(permissions);
    let byMember = this.grantsByAsset.get(assetId);
    if (!byMember) {
      byMember = new Map();
      this.grantsByAsset.set(assetId, byMember);
    }
    let assets = this.assetsByMember.get(memberId);
    if (!assets) {
      assets = new Set();
      this.assetsByMember.set(memberId, assets);
    }
    if (perms.length === 0) {
      byMember.delete(memberId);
      assets.delete(assetId);
    } else {
      byMember.set(memberId, perms);
      assets.add(assetId);
    }
  }

  removeMember(memberId: string): Member {
    const member = this.members.get(memberId);
    if (!member) throw new ChangeRefused("This person isn't part of your business", 404);
    for (const assetId of [...this.assetIdsOf(memberId)]) this.putGrant(memberId, assetId, []);
    this.assetsByMember.delete(memberId);
    this.members.delete(memberId);
    this.memberIdByEmail.delete(member.email.toLowerCase());
    return member;
  }

  setPermissions(memberId: string, assetId: string, permissions: readonly Permission[]): void {
    if (!this.members.has(memberId)) {
      throw new ChangeRefused("This person isn't part of your business", 404);
    }
    const asset = this.assets.get(assetId);
    if (!asset) throw new ChangeRefused("We couldn't find that asset", 404);
    const allowed = PERMISSIONS_BY_ASSET_TYPE[asset.type];
    const wrong = permissions.filter((p) => !allowed.includes(p));
    if (wrong.length > 0) {
      throw new ChangeRefused(`${wrong.join(', ')} can't be given on this asset`, 400);
    }
    this.putGrant(memberId, assetId, permissions);
  }
}

/**
 * Who makes a change and through which door: a bare email is a person on the pages; an API
 * call names the app's acting user and `channel: 'api'`.
 */
export type Actor = string | { email: string; channel: LogChannel };

const actorOf = (by: Actor): { email: string; channel: LogChannel } =>
  typeof by === 'string' ? { email: by, channel: 'ui' } : by;

export interface InviteOutcome {
  email: string;
  outcome: 'invited' | 'already_invited' | 'already_member';
}

/** Everything the simulator knows; the HTTP layer renders and mutates it. */
export class SimulatorState {
  businesses = new Map<string, Business>();
  /** Login accounts by lower-case email; outlive membership, as a Pinterest account does. */
  accounts = new Map<string, Account>();
  log: LogEntry[] = [];

  constructor(private readonly clock: () => Date = () => new Date()) {}

  now(): string {
    return this.clock().toISOString();
  }

  reset(input: unknown): void {
    const fixture = validateFixture(input);
    this.businesses = new Map();
    this.accounts = new Map();
    this.log = [];
    for (const b of fixture.businesses) this.putBusiness(b);
  }

  /** Adds or replaces one business (POST /__sim/generate). */
  putBusiness(fixture: BusinessFixture): void {
    validateFixture({ businesses: [fixture] });
    const now = this.now();
    this.businesses.set(fixture.id, Business.fromFixture(fixture, now));
    for (const m of fixture.members) {
      if (m.password === undefined) continue;
      this.accounts.set(m.email.toLowerCase(), {
        email: m.email,
        password: m.password,
        twoFactor: m.twoFactor ?? false,
      });
    }
  }

  toFixture(): SimulatorFixture {
    return { businesses: [...this.businesses.values()].map((b) => b.toFixture(this.accounts)) };
  }

  /** Businesses where the account is a member, with its role there. */
  businessesOf(email: string): { business: Business; role: Role }[] {
    const out: { business: Business; role: Role }[] = [];
    for (const business of this.businesses.values()) {
      const member = business.memberByEmail(email);
      if (member) out.push({ business, role: member.role });
    }
    return out;
  }

  private record(
    businessId: string,
    action: LogAction,
    target: string,
    by: Actor,
    details?: Record<string, unknown>,
  ): void {
    const { email, channel } = actorOf(by);
    this.log.push({
      at: this.now(),
      businessId,
      action,
      target,
      by: email,
      channel,
      ...(details && { details }),
    });
  }

  private business(businessId: string): Business {
    const b = this.businesses.get(businessId);
    if (!b) throw new ChangeRefused("We couldn't find that business", 404);
    return b;
  }

  removeMember(businessId: string, memberId: string, by: Actor): Member {
    const member = this.business(businessId).removeMember(memberId);
    this.record(businessId, 'remove_member', memberId, by, { email: member.email });
    return member;
  }

  changeRole(businessId: string, memberId: string, role: Role, by: Actor): Member {
    const member = this.business(businessId).members.get(memberId);
    if (!member) throw new ChangeRefused("This person isn't part of your business", 404);
    if (member.role !== role) {
      const from = member.role;
      member.role = role;
      this.record(businessId, 'change_role', memberId, by, { from, to: role });
    }
    return member;
  }

  setAssetPermissions(
    businessId: string,
    memberId: string,
    assetId: string,
    permissions: readonly Permission[],
    by: Actor,
  ): void {
    const business = this.business(businessId);
    const before = business.permissionsOf(memberId, assetId);
    business.setPermissions(memberId, assetId, permissions);
    const after = business.permissionsOf(memberId, assetId);
    if (before.join() !== after.join()) {
      this.record(businessId, 'set_asset_permissions', memberId, by, {
        assetId,
        permissions: after,
      });
    }
  }

  invite(businessId: string, emails: readonly string[], role: Role, by: Actor): InviteOutcome[] {
    const business = this.business(businessId);
    const out: InviteOutcome[] = [];
    for (const raw of emails) {
      const email = raw.trim();
      const key = email.toLowerCase();
      if (business.memberByEmail(key)) {
        out.push({ email, outcome: 'already_member' });
        continue;
      }
      const existing = business.invites.get(key);
      if (existing?.status === 'PENDING') {
        out.push({ email: existing.email, outcome: 'already_invited' });
        continue;
      }
      // A re-invite after a cancelled, declined or expired one replaces it: one row per email.
      business.invites.delete(key);
      business.invites.set(key, {
        id: business.nextInviteId(),
        email,
        role,
        status: 'PENDING',
        sentAt: this.now(),
      });
      this.record(businessId, 'invite', email, by, { role });
      out.push({ email, outcome: 'invited' });
    }
    return out;
  }

  cancelInvite(businessId: string, email: string, by: Actor): Invite {
    const invite = this.business(businessId).invites.get(email.trim().toLowerCase());
    if (!invite || invite.status !== 'PENDING') {
      throw new ChangeRefused('There is no pending invitation for that email', 404);
    }
    invite.status = 'CANCELLED';
    this.record(businessId, 'cancel_invite', invite.email, by);
    return invite;
  }
}

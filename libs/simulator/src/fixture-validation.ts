import {
  ASSET_TYPES,
  INVITE_STATUSES,
  PERMISSIONS,
  PERMISSIONS_BY_ASSET_TYPE,
  ROLES,
  type AssetType,
  type SimulatorFixture,
} from './types';

export class InvalidFixture extends Error {
  override readonly name = 'InvalidFixture';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') {
    throw new InvalidFixture(`${where}.${key} must be a non-empty string`);
  }
  return v;
}

function oneOf<T extends string>(o: Json, key: string, allowed: readonly T[], where: string): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new InvalidFixture(`${where}.${key} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function list(o: Json, key: string, where: string, required = false): unknown[] {
  const v = o[key];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) throw new InvalidFixture(`${where}.${key} must be an array`);
  return v;
}

function isoDate(o: Json, key: string, where: string): void {
  const v = o[key];
  if (v === undefined) return;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) {
    throw new InvalidFixture(`${where}.${key} must be an ISO date`);
  }
}

function permissions(o: Json, type: AssetType, where: string): void {
  const perms = list(o, 'permissions', where, true);
  const allowed = PERMISSIONS_BY_ASSET_TYPE[type];
  for (const p of perms) {
    if (typeof p !== 'string' || !(PERMISSIONS as readonly string[]).includes(p)) {
      throw new InvalidFixture(`${where}.permissions holds an unknown permission ${String(p)}`);
    }
    if (!(allowed as readonly string[]).includes(p)) {
      throw new InvalidFixture(`${where}.permissions: ${p} is not offered on ${type}`);
    }
  }
}

/**
 * Checks shape and references (grants point at existing members and assets, permissions fit
 * the asset type) so a bad fixture fails at reset with a path, not later as a broken page.
 */
export function validateFixture(input: unknown): SimulatorFixture {
  if (!isObject(input)) throw new InvalidFixture('fixture must be an object');
  const businesses = list(input, 'businesses', 'fixture', true);
  const businessIds = new Set<string>();
  businesses.forEach((b, bi) => {
    const where = `businesses[${bi}]`;
    if (!isObject(b)) throw new InvalidFixture(`${where} must be an object`);
    const id = str(b, 'id', where);
    if (businessIds.has(id)) throw new InvalidFixture(`${where}.id ${id} is repeated`);
    businessIds.add(id);
    str(b, 'name', where);
    const memberIds = new Set<string>();
    const emails = new Set<string>();
    list(b, 'members', where, true).forEach((m, i) => {
      const w = `${where}.members[${i}]`;
      if (!isObject(m)) throw new InvalidFixture(`${w} must be an object`);
      const mid = str(m, 'id', w);
      const email = str(m, 'email', w).toLowerCase();
      if (memberIds.has(mid)) throw new InvalidFixture(`${w}.id ${mid} is repeated`);
      if (emails.has(email)) throw new InvalidFixture(`${w}.email ${email} is repeated`);
      memberIds.add(mid);
      emails.add(email);
      str(m, 'name', w);
      oneOf(m, 'role', ROLES, w);
      if (m.password !== undefined && typeof m.password !== 'string') {
        throw new InvalidFixture(`${w}.password must be a string`);
      }
      if (m.twoFactor !== undefined && typeof m.twoFactor !== 'boolean') {
        throw new InvalidFixture(`${w}.twoFactor must be a boolean`);
      }
      isoDate(m, 'addedAt', w);
    });
    list(b, 'invites', where).forEach((inv, i) => {
      const w = `${where}.invites[${i}]`;
      if (!isObject(inv)) throw new InvalidFixture(`${w} must be an object`);
      str(inv, 'email', w);
      oneOf(inv, 'role', ROLES, w);
      oneOf(inv, 'status', INVITE_STATUSES, w);
      isoDate(inv, 'sentAt', w);
    });
    const assetTypes = new Map<string, AssetType>();
    list(b, 'assets', where).forEach((a, i) => {
      const w = `${where}.assets[${i}]`;
      if (!isObject(a)) throw new InvalidFixture(`${w} must be an object`);
      const aid = str(a, 'id', w);
      if (assetTypes.has(aid)) throw new InvalidFixture(`${w}.id ${aid} is repeated`);
      str(a, 'name', w);
      assetTypes.set(aid, oneOf(a, 'type', ASSET_TYPES, w));
    });
    const assetOf = (o: Json, w: string): AssetType => {
      const aid = str(o, 'assetId', w);
      const type = assetTypes.get(aid);
      if (!type) throw new InvalidFixture(`${w}.assetId ${aid} is not an asset of ${id}`);
      return type;
    };
    list(b, 'grants', where).forEach((g, i) => {
      const w = `${where}.grants[${i}]`;
      if (!isObject(g)) throw new InvalidFixture(`${w} must be an object`);
      const mid = str(g, 'memberId', w);
      if (!memberIds.has(mid)) throw new InvalidFixture(`${w}.memberId ${mid} is not a member`);
      permissions(g, assetOf(g, w), w);
    });
    const partnerIds = new Set<string>();
    list(b, 'partners', where).forEach((p, i) => {
      const w = `${where}.partners[${i}]`;
      if (!isObject(p)) throw new InvalidFixture(`${w} must be an object`);
      const pid = str(p, 'id', w);
      if (partnerIds.has(pid)) throw new InvalidFixture(`${w}.id ${pid} is repeated`);
      partnerIds.add(pid);
      str(p, 'name', w);
      list(p, 'grants', w).forEach((g, gi) => {
        const gw = `${w}.grants[${gi}]`;
        if (!isObject(g)) throw new InvalidFixture(`${gw} must be an object`);
        permissions(g, assetOf(g, gw), gw);
      });
      if (p.members !== undefined) {
        list(p, 'members', w).forEach((m, mi) => {
          const mw = `${w}.members[${mi}]`;
          if (!isObject(m)) throw new InvalidFixture(`${mw} must be an object`);
          str(m, 'id', mw);
          str(m, 'name', mw);
          str(m, 'email', mw);
        });
      }
    });
  });
  return input as unknown as SimulatorFixture;
}

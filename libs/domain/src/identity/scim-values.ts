import type { IdentityEmail, IdentityName } from './identity.attributes';
import { scimInvalid } from './scim-errors';

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SCIM attribute names are case-insensitive (RFC 7643 §2.1): look them up lower-cased. */
export function caseInsensitive(object: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [key, value] of Object.entries(object)) map.set(key.toLowerCase(), value);
  return map;
}

/** Some Entra ID requests wrap a single value as `[{ "value": x }]`. */
export function unwrapValue(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) {
    const keys = Object.keys(value[0]);
    if (keys.length === 1 && keys[0].toLowerCase() === 'value') return value[0][keys[0]];
  }
  return value;
}

/** An optional string: absent, null and blank are all "unassigned". */
export function optionalString(value: unknown, attribute: string): string | null {
  const v = unwrapValue(value);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    throw scimInvalid(
      'invalidValue',
      `${attribute} must be a string, got ${JSON.stringify(v)}`,
      attribute,
    );
  }
  return v.trim() === '' ? null : v;
}

export function requiredString(value: unknown, attribute: string): string {
  const v = optionalString(value, attribute);
  if (v === null) {
    throw scimInvalid('invalidValue', `${attribute} is required and must not be empty`, attribute);
  }
  return v;
}

/** Entra ID sends booleans as the strings "True" and "False". */
export function booleanValue(value: unknown, attribute: string): boolean {
  const v = unwrapValue(value);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const lower = v.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw scimInvalid(
    'invalidValue',
    `${attribute} must be a boolean, got ${JSON.stringify(v)}`,
    attribute,
  );
}

const NAME_PARTS: Record<string, keyof IdentityName> = {
  givenname: 'givenName',
  familyname: 'familyName',
  formatted: 'formatted',
};

export function namePart(subAttribute: string): keyof IdentityName | null {
  return NAME_PARTS[subAttribute.toLowerCase()] ?? null;
}

/** Only the parts present in the object; sub-attributes we do not keep are dropped. */
export function namePatch(value: unknown, attribute = 'name'): Partial<IdentityName> {
  if (!isPlainObject(value)) {
    throw scimInvalid(
      'invalidValue',
      `${attribute} must be an object, got ${JSON.stringify(value)}`,
      attribute,
    );
  }
  const patch: Partial<IdentityName> = {};
  for (const [key, part] of Object.entries(value)) {
    const known = namePart(key);
    if (known) patch[known] = optionalString(part, `${attribute}.${known}`);
  }
  return patch;
}

export function nameValue(value: unknown, attribute = 'name'): IdentityName {
  if (value === undefined || value === null)
    return { givenName: null, familyName: null, formatted: null };
  return { givenName: null, familyName: null, formatted: null, ...namePatch(value, attribute) };
}

/** The sub-attributes present in one email object; `value` may be missing. */
export function emailPatch(value: unknown, attribute: string): Partial<IdentityEmail> {
  if (!isPlainObject(value)) {
    throw scimInvalid(
      'invalidValue',
      `${attribute} must be an object, got ${JSON.stringify(value)}`,
      attribute,
    );
  }
  const fields = caseInsensitive(value);
  const patch: Partial<IdentityEmail> = {};
  if (fields.has('value')) patch.value = requiredString(fields.get('value'), `${attribute}.value`);
  if (fields.has('type')) patch.type = optionalString(fields.get('type'), `${attribute}.type`);
  if (fields.has('primary') && fields.get('primary') !== null) {
    patch.primary = booleanValue(fields.get('primary'), `${attribute}.primary`);
  }
  return patch;
}

export function emailValue(value: unknown, attribute: string): IdentityEmail {
  const patch = emailPatch(value, attribute);
  if (patch.value === undefined) {
    throw scimInvalid('invalidValue', `${attribute}.value is required`, `${attribute}.value`);
  }
  return { value: patch.value, type: patch.type ?? null, primary: patch.primary ?? false };
}

/** A list of emails; a lone object is taken as a list of one. */
export function emailsValue(value: unknown, attribute = 'emails'): IdentityEmail[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => emailValue(item, `${attribute}[${i}]`));
}

/** `schemas`, when given, must name the expected one; IdPs that omit it are let through. */
export function checkSchemas(body: Map<string, unknown>, expected: string): void {
  if (!body.has('schemas')) return;
  const schemas = body.get('schemas');
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw scimInvalid('invalidSyntax', 'schemas must be an array of strings', 'schemas');
  }
  if (!schemas.some((s: string) => s.toLowerCase() === expected.toLowerCase())) {
    throw scimInvalid('invalidSyntax', `schemas must include "${expected}"`, 'schemas');
  }
}

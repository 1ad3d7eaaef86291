import { normalizeEmail } from '../shared/ids';
import { InvalidCommand } from '../shared/errors';
import {
  checkAttributes,
  type IdentityAttributes,
  type IdentityEmail,
  type IdentityName,
} from './identity.attributes';
import { scimInvalid } from './scim-errors';
import {
  booleanValue,
  caseInsensitive,
  checkSchemas,
  emailPatch,
  emailsValue,
  isPlainObject,
  namePart,
  namePatch,
  optionalString,
  PATCH_OP_SCHEMA,
  requiredString,
  unwrapValue,
} from './scim-values';

export type EmailSubAttribute = 'value' | 'type' | 'primary';

/** The value filter of `emails[type eq "work"]`: one equality on one sub-attribute. */
export interface EmailSelector {
  attribute: EmailSubAttribute;
  value: string | boolean;
}

/** A PATCH path (or a key of a path-less value) resolved against the User schema. */
export type ScimUserPath =
  | { attribute: 'userName' | 'displayName' | 'externalId' | 'active' }
  | { attribute: 'name'; subAttribute: keyof IdentityName | null }
  | { attribute: 'emails'; selector: EmailSelector | null; subAttribute: EmailSubAttribute | null }
  /** A User attribute we do not keep (phoneNumbers, title…) or an extension's: accepted, dropped. */
  | { attribute: 'ignored'; name: string }
  /** id, meta, schemas: set by the server. */
  | { attribute: 'readOnly'; name: string };

/**
 * One change, in our terms. Okta's, Entra ID's and RFC 7644's ways of saying the same thing
 * all come out as the same operations.
 */
export type IdentityPatchOperation =
  | { op: 'setUserName'; value: string }
  | { op: 'setDisplayName'; value: string | null }
  | { op: 'setExternalId'; value: string | null }
  | { op: 'setActive'; value: boolean }
  /** Parts absent from `value` stay as they are; null clears one. */
  | { op: 'mergeName'; value: Partial<IdentityName> }
  | { op: 'replaceEmails'; value: IdentityEmail[] }
  /** An email already there (same normalised value) is updated, not duplicated. */
  | { op: 'addEmails'; value: IdentityEmail[] }
  /** `where: null` removes every email; no match is not an error (removal is idempotent). */
  | { op: 'removeEmails'; where: EmailSelector | null }
  /**
   * Sets fields on the emails the selector matches; with `upsert`, no match creates one from
   * the selector and the fields (how Entra ID adds `emails[type eq "work"].value`).
   */
  | { op: 'updateEmails'; where: EmailSelector; value: Partial<IdentityEmail>; upsert: boolean };

const CORE_USER_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:user:';

/** Attributes of the RFC 7643 User schema that the directory does not keep. */
const NOT_KEPT = new Set([
  'nickname',
  'profileurl',
  'title',
  'usertype',
  'preferredlanguage',
  'locale',
  'timezone',
  'password',
  'phonenumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'roles',
  'x509certificates',
]);
const NAME_NOT_KEPT = new Set(['middlename', 'honorificprefix', 'honorificsuffix']);
const READ_ONLY = new Set(['id', 'meta', 'schemas']);
const EMAIL_SUB_ATTRIBUTES: Record<string, EmailSubAttribute> = {
  value: 'value',
  type: 'type',
  primary: 'primary',
};

const PATH = /^([A-Za-z][A-Za-z0-9_$-]*)(?:\[([^\]]*)\])?(?:\.([A-Za-z][A-Za-z0-9_$-]*))?$/;
const SELECTOR = /^\s*([A-Za-z]+)\s+eq\s+(.+?)\s*$/i;

export function parseEmailSelector(text: string): EmailSelector {
  const match = SELECTOR.exec(text);
  const attribute = match ? EMAIL_SUB_ATTRIBUTES[match[1].toLowerCase()] : undefined;
  if (!match || !attribute) {
    throw scimInvalid(
      'invalidFilter',
      `unsupported email filter "${text}": use value, type or primary with eq, e.g. type eq "work"`,
      'emails',
    );
  }
  const literal = match[2];
  if (/^(true|false)$/i.test(literal))
    return { attribute, value: literal.toLowerCase() === 'true' };
  let value: unknown;
  try {
    value = JSON.parse(literal);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string') {
    throw scimInvalid(
      'invalidFilter',
      `in filter "${text}", ${literal} is not a quoted string or a boolean`,
      'emails',
    );
  }
  return attribute === 'primary'
    ? { attribute, value: booleanValue(value, 'emails.primary') }
    : { attribute, value };
}

/** Resolves `name.givenName`, `emails[type eq "work"].value`, URN-prefixed forms… */
export function parseUserPath(raw: string): ScimUserPath {
  let path = raw.trim();
  if (path.toLowerCase().startsWith(CORE_USER_PREFIX)) path = path.slice(CORE_USER_PREFIX.length);
  else if (path.toLowerCase().startsWith('urn:')) return { attribute: 'ignored', name: path };
  const match = PATH.exec(path);
  if (!match) throw scimInvalid('invalidPath', `"${raw}" is not a valid attribute path`, raw);
  const [, name, filter, sub] = match;
  const lower = name.toLowerCase();
  const invalid = (why: string) => scimInvalid('invalidPath', `"${raw}": ${why}`, raw);
  if (NOT_KEPT.has(lower)) return { attribute: 'ignored', name: path };

  if (lower === 'emails') {
    let subAttribute: EmailSubAttribute | null = null;
    if (sub !== undefined) {
      const known = EMAIL_SUB_ATTRIBUTES[sub.toLowerCase()];
      if (known) subAttribute = known;
      else if (sub.toLowerCase() === 'display') return { attribute: 'ignored', name: path };
      else throw invalid(`emails has no sub-attribute "${sub}"`);
    }
    const selector = filter === undefined ? null : parseEmailSelector(filter);
    if (selector === null && subAttribute !== null) {
      throw invalid(`which email? use a filter, e.g. emails[type eq "work"].${subAttribute}`);
    }
    return { attribute: 'emails', selector, subAttribute };
  }
  if (filter !== undefined) throw invalid(`${name} is not multi-valued and takes no filter`);
  if (lower === 'name') {
    if (sub === undefined) return { attribute: 'name', subAttribute: null };
    const part = namePart(sub);
    if (part) return { attribute: 'name', subAttribute: part };
    if (NAME_NOT_KEPT.has(sub.toLowerCase())) return { attribute: 'ignored', name: path };
    throw invalid(`name has no sub-attribute "${sub}"`);
  }
  const simple = {
    username: 'userName',
    displayname: 'displayName',
    externalid: 'externalId',
    active: 'active',
  } as const;
  const known = simple[lower as keyof typeof simple];
  if (known) {
    if (sub !== undefined) throw invalid(`${known} has no sub-attributes`);
    return { attribute: known };
  }
  if (READ_ONLY.has(lower)) return { attribute: 'readOnly', name };
  throw invalid(`unknown attribute "${name}"`);
}

type OpName = 'add' | 'replace' | 'remove';

function pathName(path: ScimUserPath): string {
  switch (path.attribute) {
    case 'name':
      return path.subAttribute ? `name.${path.subAttribute}` : 'name';
    case 'emails':
      return path.subAttribute ? `emails.${path.subAttribute}` : 'emails';
    case 'ignored':
    case 'readOnly':
      return path.name;
    default:
      return path.attribute;
  }
}

/** One SCIM operation on one resolved path, as our operations. */
export function operationsFor(
  op: OpName,
  path: ScimUserPath,
  value: unknown,
  explicitPath: boolean,
): IdentityPatchOperation[] {
  const attribute = pathName(path);
  const remove = op === 'remove';
  switch (path.attribute) {
    case 'ignored':
      return [];
    case 'readOnly':
      // A path-less replace may echo the whole resource back; only an explicit path is an attempt.
      if (!explicitPath) return [];
      throw scimInvalid('mutability', `${path.name} is read-only`, path.name);
    case 'userName':
      if (remove)
        throw scimInvalid('invalidValue', 'userName is required and cannot be removed', attribute);
      return [{ op: 'setUserName', value: requiredString(value, attribute) }];
    case 'displayName':
      return [{ op: 'setDisplayName', value: remove ? null : optionalString(value, attribute) }];
    case 'externalId':
      return [{ op: 'setExternalId', value: remove ? null : optionalString(value, attribute) }];
    case 'active':
      if (remove)
        throw scimInvalid(
          'invalidValue',
          'active cannot be removed; replace it with false',
          attribute,
        );
      return [{ op: 'setActive', value: booleanValue(value, attribute) }];
    case 'name': {
      if (path.subAttribute) {
        const part = remove ? null : optionalString(value, attribute);
        return [{ op: 'mergeName', value: { [path.subAttribute]: part } }];
      }
      const cleared = { givenName: null, familyName: null, formatted: null };
      if (remove || unwrapValue(value) === null) return [{ op: 'mergeName', value: cleared }];
      return [{ op: 'mergeName', value: namePatch(value) }];
    }
    case 'emails':
      return emailOperations(op, path.selector, path.subAttribute, value);
  }
}

function emailOperations(
  op: OpName,
  where: EmailSelector | null,
  sub: EmailSubAttribute | null,
  value: unknown,
): IdentityPatchOperation[] {
  if (where === null) {
    if (op === 'remove') return [{ op: 'removeEmails', where: null }];
    const emails = emailsValue(value);
    return [
      op === 'add' ? { op: 'addEmails', value: emails } : { op: 'replaceEmails', value: emails },
    ];
  }
  if (op === 'remove') {
    // An email without its value is no email: removing `.value` removes the entry.
    if (sub === null || sub === 'value') return [{ op: 'removeEmails', where }];
    const cleared = sub === 'type' ? { type: null } : { primary: false };
    return [{ op: 'updateEmails', where, value: cleared, upsert: false }];
  }
  let fields: Partial<IdentityEmail>;
  if (sub === null) fields = emailPatch(unwrapSingle(value), 'emails');
  else if (sub === 'value') fields = { value: requiredString(value, 'emails.value') };
  else if (sub === 'type') fields = { type: optionalString(value, 'emails.type') };
  else fields = { primary: booleanValue(value, 'emails.primary') };
  return [{ op: 'updateEmails', where, value: fields, upsert: true }];
}

function unwrapSingle(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function withPrefix(prefix: string, error: unknown): unknown {
  if (!(error instanceof InvalidCommand)) return error;
  return new InvalidCommand(`${prefix}: ${error.message}`, error.details);
}

/**
 * Reads a PATCH body (RFC 7644 §3.5.2) in any of the shapes IdPs send: `op` in any case,
 * booleans as strings, a path, or no path and a value whose keys are paths (`"name.givenName"`).
 */
export function parsePatchRequest(body: unknown): IdentityPatchOperation[] {
  if (!isPlainObject(body)) {
    throw scimInvalid('invalidSyntax', 'the request body must be a JSON object (a SCIM PatchOp)');
  }
  const fields = caseInsensitive(body);
  checkSchemas(fields, PATCH_OP_SCHEMA);
  const operations = fields.get('operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimInvalid('invalidSyntax', 'Operations must be a non-empty array', 'Operations');
  }
  const result: IdentityPatchOperation[] = [];
  operations.forEach((raw: unknown, i) => {
    const where = `Operations[${i}]`;
    try {
      result.push(...parseOperation(raw));
    } catch (error) {
      throw withPrefix(where, error);
    }
  });
  return result;
}

function parseOperation(raw: unknown): IdentityPatchOperation[] {
  if (!isPlainObject(raw)) throw scimInvalid('invalidSyntax', 'an operation must be an object');
  const fields = caseInsensitive(raw);
  const opText = fields.get('op');
  const op = typeof opText === 'string' ? opText.trim().toLowerCase() : '';
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw scimInvalid(
      'invalidSyntax',
      `op must be "add", "replace" or "remove", got ${JSON.stringify(opText)}`,
      'op',
    );
  }
  const path = fields.get('path');
  const value = fields.get('value');
  if (path !== undefined && path !== null && path !== '') {
    if (typeof path !== 'string') throw scimInvalid('invalidPath', 'path must be a string', 'path');
    if (op !== 'remove' && value === undefined) {
      throw scimInvalid('invalidValue', `${op} of "${path}" needs a value`, path);
    }
    return operationsFor(op, parseUserPath(path), value, true);
  }
  if (op === 'remove') throw scimInvalid('noTarget', 'remove needs a path', 'path');
  if (!isPlainObject(value)) {
    throw scimInvalid(
      'invalidValue',
      `${op} without a path needs an object value whose keys are attributes`,
      'value',
    );
  }
  return Object.entries(value).flatMap(([key, v]) =>
    operationsFor(op, parseUserPath(key), v, false),
  );
}

function matches(email: IdentityEmail, where: EmailSelector): boolean {
  switch (where.attribute) {
    case 'value':
      return (
        typeof where.value === 'string' &&
        normalizeEmail(email.value) === normalizeEmail(where.value)
      );
    case 'type':
      return (
        typeof where.value === 'string' && email.type?.toLowerCase() === where.value.toLowerCase()
      );
    case 'primary':
      return email.primary === where.value;
  }
}

/** The primary flag is unique: setting it on some emails takes it from the others. */
function keepOnePrimary(
  emails: IdentityEmail[],
  newlyPrimary: ReadonlySet<IdentityEmail>,
): IdentityEmail[] {
  if (newlyPrimary.size === 0) return emails;
  return emails.map((e) => (e.primary && !newlyPrimary.has(e) ? { ...e, primary: false } : e));
}

function applyOne(
  attributes: IdentityAttributes,
  operation: IdentityPatchOperation,
): IdentityAttributes {
  const personal = attributes.personal;
  switch (operation.op) {
    case 'setUserName':
      return { ...attributes, personal: { ...personal, userName: operation.value } };
    case 'setDisplayName':
      return { ...attributes, personal: { ...personal, displayName: operation.value } };
    case 'setExternalId':
      return { ...attributes, externalId: operation.value };
    case 'setActive':
      return { ...attributes, active: operation.value };
    case 'mergeName':
      return {
        ...attributes,
        personal: { ...personal, name: { ...personal.name, ...operation.value } },
      };
    case 'replaceEmails':
      return { ...attributes, personal: { ...personal, emails: operation.value } };
    case 'addEmails': {
      let emails = [...personal.emails];
      const primary = new Set<IdentityEmail>();
      for (const added of operation.value) {
        const at = emails.findIndex((e) => normalizeEmail(e.value) === normalizeEmail(added.value));
        const merged =
          at === -1
            ? added
            : {
                ...emails[at],
                type: added.type ?? emails[at].type,
                primary: added.primary || emails[at].primary,
              };
        if (at === -1) emails.push(merged);
        else emails[at] = merged;
        if (added.primary) primary.add(merged);
      }
      emails = keepOnePrimary(emails, primary);
      return { ...attributes, personal: { ...personal, emails } };
    }
    case 'removeEmails': {
      const where = operation.where;
      const emails = where === null ? [] : personal.emails.filter((e) => !matches(e, where));
      return { ...attributes, personal: { ...personal, emails } };
    }
    case 'updateEmails': {
      const { where, value, upsert } = operation;
      const primary = new Set<IdentityEmail>();
      let found = false;
      let emails = personal.emails.map((e) => {
        if (!matches(e, where)) return e;
        found = true;
        const updated = { ...e, ...value };
        if (value.primary) primary.add(updated);
        return updated;
      });
      if (!found && upsert) {
        const created = createEmail(where, value);
        emails.push(created);
        if (created.primary) primary.add(created);
      }
      emails = keepOnePrimary(emails, primary);
      return { ...attributes, personal: { ...personal, emails } };
    }
  }
}

function createEmail(where: EmailSelector, value: Partial<IdentityEmail>): IdentityEmail {
  const fromFilter: Partial<IdentityEmail> = {};
  if (where.attribute === 'primary') fromFilter.primary = where.value === true;
  else fromFilter[where.attribute] = String(where.value);
  const email: Partial<IdentityEmail> = { type: null, primary: false, ...fromFilter, ...value };
  if (email.value === undefined) {
    throw scimInvalid(
      'noTarget',
      `no email matches ${where.attribute} eq ${JSON.stringify(where.value)}, and the operation gives no value to add one`,
      'emails',
    );
  }
  return { value: email.value, type: email.type ?? null, primary: email.primary ?? false };
}

/** The user after the operations, in order; the result must still be a valid user. */
export function applyPatch(
  attributes: IdentityAttributes,
  operations: readonly IdentityPatchOperation[],
): IdentityAttributes {
  return checkAttributes(operations.reduce(applyOne, attributes));
}

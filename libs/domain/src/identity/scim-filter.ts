import { scimInvalid } from './scim-errors';

/**
 * The filters IdPs send before creating a user (RFC 7644 §3.4.2.2): one equality on an
 * attribute that identifies a user. `userName` and emails compare case-insensitively,
 * `externalId` and `id` exactly (both are caseExact in RFC 7643).
 */
export interface UserFilter {
  attribute: 'userName' | 'externalId' | 'emails' | 'id';
  value: string;
}

const FILTER = /^\s*([A-Za-z][A-Za-z0-9_:.$-]*)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i;
const BRACKETED = /^\s*emails\s*\[\s*value\s+eq\s+("(?:[^"\\]|\\.)*")\s*\]\s*$/i;
const CORE_USER_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:user:';

const ATTRIBUTES: Record<string, UserFilter['attribute']> = {
  username: 'userName',
  externalid: 'externalId',
  'emails.value': 'emails',
  emails: 'emails',
  id: 'id',
};

const SUPPORTED = 'userName eq "…", externalId eq "…", emails.value eq "…" or id eq "…"';

export function parseUserFilter(filter: string): UserFilter {
  const bracketed = BRACKETED.exec(filter);
  if (bracketed) return { attribute: 'emails', value: stringLiteral(bracketed[1], filter) };
  const match = FILTER.exec(filter);
  let name = match?.[1].toLowerCase() ?? '';
  if (name.startsWith(CORE_USER_PREFIX)) name = name.slice(CORE_USER_PREFIX.length);
  const attribute = match ? ATTRIBUTES[name] : undefined;
  if (!match || !attribute) {
    throw scimInvalid(
      'invalidFilter',
      `unsupported filter ${JSON.stringify(filter)}: use ${SUPPORTED}`,
      'filter',
    );
  }
  return { attribute, value: stringLiteral(match[2], filter) };
}

function stringLiteral(literal: string, filter: string): string {
  try {
    const value: unknown = JSON.parse(literal);
    if (typeof value === 'string') return value;
  } catch {
    // reported below
  }
  throw scimInvalid(
    'invalidFilter',
    `in filter ${JSON.stringify(filter)}, ${literal} is not a valid string`,
    'filter',
  );
}

import { normalizeEmail } from '../shared/ids';
import { hasUnsafeCharacters, UNSAFE_TEXT_MESSAGE } from '../shared/text';
import { scimInvalid } from './scim-errors';

export interface IdentityName {
  givenName: string | null;
  familyName: string | null;
  formatted: string | null;
}

export interface IdentityEmail {
  /** As the IdP sent it; compare with `normalizeEmail`. */
  value: string;
  type: string | null;
  primary: boolean;
}

/**
 * Everything that identifies a person. It sits under `personal` in every event so that it can
 * later be encrypted with a per-person key and forgotten by deleting the key.
 */
export interface IdentityPersonalData {
  userName: string;
  name: IdentityName;
  displayName: string | null;
  emails: IdentityEmail[];
}

/** A user as the directory keeps it. `externalId` is the IdP's opaque id, not personal data. */
export interface IdentityAttributes {
  externalId: string | null;
  active: boolean;
  personal: IdentityPersonalData;
}

/** The attributes an `IdentityUpdated` can change (`active` has its own events). */
export type IdentityAttributeName = 'userName' | 'externalId' | 'name' | 'displayName' | 'emails';

export const EMPTY_NAME: IdentityName = { givenName: null, familyName: null, formatted: null };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The rules every resulting user must meet, whichever request produced it. */
export function checkAttributes(attributes: IdentityAttributes): IdentityAttributes {
  const { personal } = attributes;
  if (personal.userName.trim() === '') {
    throw scimInvalid('invalidValue', 'userName is required and must not be empty', 'userName');
  }
  const names: [string, string | null][] = [
    ['userName', personal.userName],
    ['displayName', personal.displayName],
    ['name.givenName', personal.name.givenName],
    ['name.familyName', personal.name.familyName],
    ['name.formatted', personal.name.formatted],
  ];
  for (const [attribute, value] of names) {
    if (value !== null && hasUnsafeCharacters(value)) {
      throw scimInvalid('invalidValue', `${attribute} ${UNSAFE_TEXT_MESSAGE}`, attribute);
    }
  }
  personal.emails.forEach((email, i) => {
    if (!EMAIL.test(normalizeEmail(email.value))) {
      throw scimInvalid(
        'invalidValue',
        `emails[${i}].value must be an email address, got ${JSON.stringify(email.value)}`,
        'emails.value',
      );
    }
  });
  if (personal.emails.filter((e) => e.primary).length > 1) {
    throw scimInvalid('invalidValue', 'at most one of emails may be primary', 'emails.primary');
  }
  return attributes;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface AttributeChanges {
  changed: IdentityAttributeName[];
  externalId?: string | null;
  personal?: Partial<IdentityPersonalData>;
}

/** What differs between two users, each changed attribute with its whole new value. */
export function diffAttributes(
  before: IdentityAttributes,
  after: IdentityAttributes,
): AttributeChanges {
  const changes: AttributeChanges = { changed: [] };
  const personal: Partial<IdentityPersonalData> = {};
  if (before.personal.userName !== after.personal.userName) {
    changes.changed.push('userName');
    personal.userName = after.personal.userName;
  }
  if (before.externalId !== after.externalId) {
    changes.changed.push('externalId');
    changes.externalId = after.externalId;
  }
  if (!sameJson(before.personal.name, after.personal.name)) {
    changes.changed.push('name');
    personal.name = after.personal.name;
  }
  if (before.personal.displayName !== after.personal.displayName) {
    changes.changed.push('displayName');
    personal.displayName = after.personal.displayName;
  }
  if (!sameJson(before.personal.emails, after.personal.emails)) {
    changes.changed.push('emails');
    personal.emails = after.personal.emails;
  }
  if (Object.keys(personal).length > 0) changes.personal = personal;
  return changes;
}

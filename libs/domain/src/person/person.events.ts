import type { DomainEvent } from '../shared/decider';

/**
 * The tombstone of an erasure (GDPR art. 17): the person's key was destroyed. Nothing personal:
 * `personId` is a keyed hash of the email, `linkedPersonIds` the other keys destroyed with it
 * (the person of a stream the email was seen on). Who and when are in the metadata.
 */
export type PersonErased = DomainEvent<
  'PersonErased',
  { personId: string; reason: string; linkedPersonIds: string[] }
>;

export type PersonEvent = PersonErased;

export const PERSON_EVENT_TYPES: readonly PersonEvent['type'][] = ['PersonErased'];

export const PERSON_CATEGORY = 'person';
export const personStream = (personId: string): string => `${PERSON_CATEGORY}-${personId}`;

/** How an erased person is shown wherever their personal data used to be. */
export const ERASED_PREFIX = 'erased-';
export const erasedLabel = (personId: string): string => `${ERASED_PREFIX}${personId}`;

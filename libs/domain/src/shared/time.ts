import { InvalidCommand } from './errors';

/**
 * An instant as the API takes it: an ISO 8601 date-time with its time zone (`Z` or `±hh:mm`).
 * A time without a zone would be read in whatever zone the server runs in.
 */
export const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export const ISO_INSTANT_MESSAGE =
  'must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T17:00:00Z';

/**
 * Checks that `value` is an instant after `now` and, when `atMost` is given, no later than
 * that; returns it in the one spelling the log keeps (`toISOString`, UTC, milliseconds), so
 * that instants compare as strings in read models. Refusals name `field`.
 */
export function futureInstant(
  value: string,
  now: string,
  field: string,
  atMost?: { instant: string; words: string },
): string {
  const at = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new InvalidCommand(`${field} ${ISO_INSTANT_MESSAGE}`, { field });
  }
  if (at <= Date.parse(now)) {
    throw new InvalidCommand(`${field} must be in the future`, { field });
  }
  if (atMost && at > Date.parse(atMost.instant)) {
    throw new InvalidCommand(`${field} must be at most ${atMost.words} ahead`, { field });
  }
  return new Date(at).toISOString();
}

/** The same instant one calendar year later (UTC): the longest an exemption may last. */
export function oneYearAfter(now: string): string {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() + 1);
  return limit.toISOString();
}

/** Whether `expiresAt` has come by `now` (both instants as the log keeps them). */
export function isDue(expiresAt: string, now: string): boolean {
  return Date.parse(expiresAt) <= Date.parse(now);
}

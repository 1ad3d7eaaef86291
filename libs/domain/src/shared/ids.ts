import { createHash } from 'node:crypto';

/**
 * A uuid derived from a name (UUID v5 layout over SHA-1): the same step of the same process
 * always gets the same event id, so a retried append is a no-op instead of a duplicate.
 */
export function deterministicId(...parts: readonly (string | number)[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Trimmed and lower-cased: how emails are compared everywhere in matching. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

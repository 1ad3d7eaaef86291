/** One schema step of one event type, applied on read (the log itself is never rewritten). */
export interface DataUpcaster {
  eventType: string;
  fromVersion: number;
  upcast(data: unknown): unknown;
}

type Data = Record<string, unknown>;

/**
 * v1 → v2 of MemberRemoved and MemberInvited: an `already_…` outcome now says whether it
 * followed an interrupted attempt of ours. Version 1 wrote `already_…` only for a first
 * attempt (a later one was rewritten as `removed`/`invited`), so `false` is what v1 saw.
 */
const alreadyOnFirstAttempt = (data: unknown): unknown => {
  const d = data as Data;
  if (typeof d.outcome === 'string' && d.outcome.startsWith('already_')) {
    return { ...d, afterInterruptedAttempt: d.afterInterruptedAttempt ?? false };
  }
  return d;
};

export const MEMBER_UPCASTERS: readonly DataUpcaster[] = [
  { eventType: 'MemberRemoved', fromVersion: 1, upcast: alreadyOnFirstAttempt },
  { eventType: 'MemberInvited', fromVersion: 1, upcast: alreadyOnFirstAttempt },
];

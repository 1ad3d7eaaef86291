import type { CheckStopKind } from '../automation/automation.events';

/** The default of IMPORT_SAFEGUARD_PERCENT (Okta's import safeguard). */
export const DEFAULT_SAFEGUARD_PERCENT = 20;

/** A member the log holds as present whom a check did not see. */
export interface AbsentMember {
  memberId: string;
  /**
   * The service asked Pinterest to remove them (still pending, or failed without knowing
   * whether the click went through): the absence may be our own doing, not news.
   */
  removalByUs: boolean;
}

export interface DepartureQuestion {
  /** What the reading says of itself. */
  snapshot: { complete: boolean; warnings: readonly string[] };
  /** Members the log held as present before this check, seen again or not. */
  knownMembers: number;
  absent: readonly AbsentMember[];
  /** At most this share of the known members may be recorded as gone without confirmation. */
  safeguardPercent: number;
  /** An admin asked this check to record departures past the safeguard. */
  confirmed: boolean;
}

export type DepartureDecision =
  | {
      kind: 'record';
      /** Every absent member: each is recorded as having left. */
      memberIds: string[];
      /** The departures exceeded the safeguard and were recorded on an admin's confirmation. */
      safeguardOverridden: boolean;
    }
  | {
      kind: CheckStopKind;
      /** What the task says, with the numbers. */
      message: string;
      details: Record<string, number | string | string[]>;
    };

const percentOf = (part: number, whole: number): number =>
  whole === 0 ? 0 : Number(((part * 100) / whole).toFixed(1));

/**
 * When an absence from a snapshot means a departure. The log records only what was observed,
 * so someone missing from a reading that is not known to be whole has not left: nobody is
 * recorded as gone. From a whole reading, absences are departures unless they are more than
 * the safeguard allows (not counting members we asked Pinterest to remove ourselves): then an
 * admin confirms first, since a mass departure is more often a broken reading than a fact.
 */
export function decideDepartures(q: DepartureQuestion): DepartureDecision {
  const notSeen = q.absent.length;
  if (!q.snapshot.complete || q.snapshot.warnings.length > 0) {
    const why = q.snapshot.warnings.length > 0 ? q.snapshot.warnings.join('; ') : 'incomplete';
    return {
      kind: 'partial_snapshot',
      message:
        `the snapshot is not known to be complete (${why}); ` +
        `${notSeen} member(s) not seen were not recorded as gone`,
      details: { notSeen, warnings: [...q.snapshot.warnings] },
    };
  }
  const explainedByUs = q.absent.filter((a) => a.removalByUs).length;
  const gone = notSeen - explainedByUs;
  const over = gone * 100 > q.safeguardPercent * q.knownMembers;
  if (over && !q.confirmed) {
    const percent = percentOf(gone, q.knownMembers);
    return {
      kind: 'safeguard',
      message:
        `would record ${gone} of ${q.knownMembers} members (${percent}%) as gone; ` +
        `the safeguard is ${q.safeguardPercent}%; confirm with confirmDepartures`,
      details: {
        wouldRecordGone: gone,
        members: q.knownMembers,
        percent,
        safeguardPercent: q.safeguardPercent,
        explainedByOurRemovals: explainedByUs,
      },
    };
  }
  return {
    kind: 'record',
    memberIds: q.absent.map((a) => a.memberId),
    safeguardOverridden: over,
  };
}

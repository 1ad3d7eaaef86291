/**
 * A person being erased, as the erasure knows them while the request runs: the plaintext
 * email (never stored once the erasure is done), the names seen for them, and the stable id
 * that replaces them (`erased-<personId>`).
 */
export interface ErasedPerson {
  personId: string;
  email: string;
  names: string[];
}

export interface ScrubReport {
  /** What this scrubber looked after, e.g. "evidence", "exports". */
  copy: string;
  /** Files or rows deleted or rewritten. */
  removed: number;
}

/**
 * One kind of copy of personal data kept under DATA_DIR outside the event log and the read
 * models (evidence, exports, snapshots, notification texts). The erasure calls every
 * registered scrubber; each must be idempotent, since a crash makes the erasure run again.
 */
export interface ErasureScrubber {
  scrub(person: ErasedPerson): Promise<ScrubReport>;
}

/** Nest multi-provider token: `{ provide: ERASURE_SCRUBBERS, useFactory: (...) => [...] }`. */
export const ERASURE_SCRUBBERS = Symbol('ERASURE_SCRUBBERS');

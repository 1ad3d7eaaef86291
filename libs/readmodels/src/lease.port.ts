/**
 * A lease: at most one holder at a time for a named job (the worker that runs the
 * projections, the sagas and the daily check), kept in the read-model store so that every
 * process that shares the store sees it. A holder renews it well before it expires; a holder
 * that stops renewing (crashed, cut off) loses it at `expiresAt`, and another may take it.
 * Every change is one conditional write, so two contenders can never both win.
 */

export interface LeaseHolder {
  /** Unique per process start (a UUID): a restarted process is a new holder. */
  id: string;
  host: string;
  pid: number;
  /** SERVICE_ROLE of the holder (`worker`, `all`). */
  role: string;
}

export interface Lease {
  name: string;
  holder: LeaseHolder;
  /** When this holder took it (kept across renewals). */
  acquiredAt: string;
  /** The holder's last beat. */
  renewedAt: string;
  /** Past this instant the lease is free for anyone; a release sets it to the release time. */
  expiresAt: string;
}

export interface AcquireOptions {
  /**
   * A holder known to be gone (its process no longer exists on this host): its lease may be
   * taken at once instead of after it expires.
   */
  replacing?: string;
}

export interface LeaseStore {
  /**
   * Takes the lease when it is free, expired, or held by `replacing`, or renews it when
   * `holder` holds it: `held` says whether `holder` now holds it until `ttlMs` from now, and
   * `lease` is the lease as stored after the attempt (another holder's when not held).
   */
  acquire(
    name: string,
    holder: LeaseHolder,
    ttlMs: number,
    options?: AcquireOptions,
  ): Promise<{ held: boolean; lease: Lease }>;
  /** Ends the holder's lease now (it stays readable as expired); false when it did not hold it. */
  release(name: string, holderId: string): Promise<boolean>;
  get(name: string): Promise<Lease | null>;
}

/** Whether someone holds the lease at `now`. */
export function leaseIsLive(lease: Lease | null, now = Date.now()): lease is Lease {
  return lease !== null && Date.parse(lease.expiresAt) > now;
}

export function checkLeaseRequest(name: string, holder: LeaseHolder, ttlMs: number): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw new TypeError('lease name must be 1-200 characters');
  }
  if (typeof holder.id !== 'string' || holder.id.length === 0) {
    throw new TypeError('lease holder id must not be empty');
  }
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError('lease ttlMs must be a positive integer');
  }
}

import { MongoServerError, type Collection as MongoCollection, type Db } from 'mongodb';
import {
  checkLeaseRequest,
  type AcquireOptions,
  type Lease,
  type LeaseHolder,
  type LeaseStore,
} from '../lease.port';

/** Read-model collection names start with a letter, so this one cannot clash with them. */
export const LEASES = '_leases';
const DUPLICATE_KEY = 11000;

interface StoredLease {
  _id: string;
  holder: string;
  host: string;
  pid: number;
  role: string;
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
}

function toLease(stored: StoredLease): Lease {
  return {
    name: stored._id,
    holder: { id: stored.holder, host: stored.host, pid: stored.pid, role: stored.role },
    acquiredAt: stored.acquiredAt.toISOString(),
    renewedAt: stored.renewedAt.toISOString(),
    expiresAt: stored.expiresAt.toISOString(),
  };
}

/**
 * Leases in a `_leases` collection, one document per lease, `_id` = its name.
 *
 * The take-or-renew is one `updateOne` with `upsert`: the filter matches the document only
 * when it is ours, expired, or the replaced holder's. When it matches, the update applies to
 * that one document atomically (single-document writes are atomic in MongoDB); when it
 * exists but does not match, the upsert's insert of the same `_id` fails with a duplicate
 * key error (11000), which means "held by someone else". So two contenders never both win.
 *
 * Expiry is compared with this process's clock, not the server's `$$NOW`: the server
 * refuses `$expr` in the query of an upsert ("$expr is not allowed in the query predicate
 * for an upsert", see MongoDB's DOCS-14158 / SERVER-65883). The TTL (seconds) is far larger
 * than the skew of clocks kept by NTP, and a holder stops its work before its lease ends
 * (see LeaseKeeper), which absorbs that skew.
 */
export class MongoLeases implements LeaseStore {
  private readonly leases: MongoCollection<StoredLease>;

  constructor(db: Db) {
    this.leases = db.collection<StoredLease>(LEASES);
  }

  async acquire(
    name: string,
    holder: LeaseHolder,
    ttlMs: number,
    options: AcquireOptions = {},
  ): Promise<{ held: boolean; lease: Lease }> {
    checkLeaseRequest(name, holder, ttlMs);
    const now = new Date();
    const takeable: object[] = [{ holder: { $eq: holder.id } }, { expiresAt: { $lte: now } }];
    if (options.replacing !== undefined) takeable.push({ holder: { $eq: options.replacing } });
    try {
      // An update pipeline (MongoDB ≥ 4.2) so that acquiredAt can stay as it was on a renewal;
      // $literal keeps a string that starts with "$" from being read as a field path.
      await this.leases.updateOne(
        { _id: { $eq: name }, $or: takeable },
        [
          {
            $set: {
              acquiredAt: {
                $cond: [{ $eq: ['$holder', { $literal: holder.id }] }, '$acquiredAt', now],
              },
              holder: { $literal: holder.id },
              host: { $literal: holder.host },
              pid: { $literal: holder.pid },
              role: { $literal: holder.role },
              renewedAt: now,
              expiresAt: new Date(now.getTime() + ttlMs),
            },
          },
        ],
        { upsert: true, writeConcern: { w: 'majority' } },
      );
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    }
    const lease = await this.get(name);
    if (lease === null) throw new Error(`lease ${name} vanished while it was acquired`);
    return {
      held: lease.holder.id === holder.id && Date.parse(lease.expiresAt) > now.getTime(),
      lease,
    };
  }

  async release(name: string, holderId: string): Promise<boolean> {
    const now = new Date();
    const result = await this.leases.updateOne(
      { _id: { $eq: name }, holder: { $eq: holderId }, expiresAt: { $gt: now } },
      { $set: { expiresAt: now } },
      { writeConcern: { w: 'majority' } },
    );
    return result.modifiedCount > 0;
  }

  async get(name: string): Promise<Lease | null> {
    // Majority read: a lease a failed-over primary never replicated is not reported as held.
    const found = await this.leases.findOne(
      { _id: { $eq: name } },
      { readConcern: { level: 'majority' } },
    );
    return found === null ? null : toLease(found);
  }
}

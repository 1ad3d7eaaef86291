import type Database from 'better-sqlite3';
import {
  checkLeaseRequest,
  type AcquireOptions,
  type Lease,
  type LeaseHolder,
  type LeaseStore,
} from '../lease.port';

/** Collection tables are `rm_<letter>…`, so this name cannot clash with one. */
const LEASES = 'rm__leases';

interface LeaseRow {
  name: string;
  holder: string;
  host: string;
  pid: number;
  role: string;
  acquired_at: number;
  renewed_at: number;
  expires_at: number;
}

function toLease(row: LeaseRow): Lease {
  return {
    name: row.name,
    holder: { id: row.holder, host: row.host, pid: row.pid, role: row.role },
    acquiredAt: new Date(row.acquired_at).toISOString(),
    renewedAt: new Date(row.renewed_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

/**
 * Leases in the read-model file. Every process that shares the file runs on this host, so
 * the local clock is the one clock they all read. The take-or-renew is one upsert whose
 * update only happens when the row is ours, expired or the replaced holder's; SQLite runs
 * it under the database's write lock, so two processes cannot both win.
 */
export class SqliteLeases implements LeaseStore {
  constructor(
    private readonly db: Database.Database,
    /** The store's write path: after any running transaction of this process. */
    private readonly exclusive: <R>(operation: string, statement: () => R) => Promise<R>,
  ) {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${LEASES} (name TEXT PRIMARY KEY NOT NULL, holder TEXT NOT NULL, ` +
        `host TEXT NOT NULL, pid INTEGER NOT NULL, role TEXT NOT NULL, acquired_at INTEGER NOT NULL, ` +
        `renewed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
    );
  }

  async acquire(
    name: string,
    holder: LeaseHolder,
    ttlMs: number,
    options: AcquireOptions = {},
  ): Promise<{ held: boolean; lease: Lease }> {
    checkLeaseRequest(name, holder, ttlMs);
    return this.exclusive('leases.acquire', () =>
      this.db
        .transaction(() => {
          const now = Date.now();
          this.db
            .prepare(
              `INSERT INTO ${LEASES} (name, holder, host, pid, role, acquired_at, renewed_at, expires_at) ` +
                `VALUES (@name, @holder, @host, @pid, @role, @now, @now, @expires) ` +
                `ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, host = excluded.host, ` +
                `pid = excluded.pid, role = excluded.role, renewed_at = excluded.renewed_at, ` +
                `expires_at = excluded.expires_at, acquired_at = CASE WHEN ${LEASES}.holder = excluded.holder ` +
                `THEN ${LEASES}.acquired_at ELSE excluded.acquired_at END ` +
                `WHERE ${LEASES}.holder = excluded.holder OR ${LEASES}.expires_at <= excluded.renewed_at ` +
                `OR ${LEASES}.holder = @replacing`,
            )
            .run({
              name,
              holder: holder.id,
              host: holder.host,
              pid: holder.pid,
              role: holder.role,
              now,
              expires: now + ttlMs,
              replacing: options.replacing ?? null,
            });
          const lease = this.read(name) as Lease;
          return {
            held: lease.holder.id === holder.id && Date.parse(lease.expiresAt) > now,
            lease,
          };
        })
        .immediate(),
    );
  }

  async release(name: string, holderId: string): Promise<boolean> {
    return this.exclusive('leases.release', () => {
      const now = Date.now();
      const result = this.db
        .prepare(
          `UPDATE ${LEASES} SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?`,
        )
        .run(now, name, holderId, now);
      return result.changes > 0;
    });
  }

  async get(name: string): Promise<Lease | null> {
    return this.read(name);
  }

  private read(name: string): Lease | null {
    const row = this.db.prepare(`SELECT * FROM ${LEASES} WHERE name = ?`).get(name) as
      LeaseRow | undefined;
    return row === undefined ? null : toLease(row);
  }
}

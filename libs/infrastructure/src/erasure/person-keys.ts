import {
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { normalizeEmail } from '@app/domain';
import { decrypt, encrypt } from './aes-gcm';

export const PERSON_KEYS_FILE = 'person-keys.sqlite';
export const PERSON_SECRET_FILE = 'person.key';
const SECRET_BYTES = 32;
const KEY_BYTES = 32;
/** How often a process looks whether another one erased someone (its cached keys then go). */
const COHERENCE_MS = 250;
/** Entries of each in-memory cache before it starts over (memory stays bounded on a long log). */
const CACHE_ENTRIES = 100_000;

/** PERSON_KEY: 64 hex or 44 base64 characters; else DATA_DIR/person.key, created 0600. */
export function loadPersonSecret(dataDir: string, value?: string): Buffer {
  if (value) {
    const text = value.trim();
    if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
    if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
    throw new Error('PERSON_KEY must be 32 bytes as 64 hex characters or 44 base64 characters');
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, PERSON_SECRET_FILE);
  const fresh = randomBytes(SECRET_BYTES);
  try {
    // `wx`: processes starting together agree on one secret.
    writeFileSync(file, fresh, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fresh.fill(0);
  }
  for (let attempt = 0; ; attempt++) {
    const bytes = readFileSync(file);
    if (bytes.length === SECRET_BYTES) return bytes;
    if (attempt > 50 || bytes.length > SECRET_BYTES)
      throw new Error(`${file} must hold exactly ${SECRET_BYTES} bytes (restore it from backup)`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/**
 * The per-person keys (AES-256-GCM), created on first use and destroyed by an erasure. Kept in
 * their own SQLite file, wrapped with a key derived from the server secret, with
 * `secure_delete` on so that a destroyed key is zeroed in the file, not left in a free page.
 *
 * Beside the keys: which person a stream is (member, identity…), so that an event with a name
 * and no email is encrypted for the stream's person; which emails are aliases of a person
 * (erasing any of them reaches the key); and the erased persons, for whom no key is ever made
 * again (what is written about them afterwards is written as `erased-<id>`).
 *
 * A person is a person of one workspace: the same email in two workspaces is two persons with
 * two keys, so erasing one never reaches the other workspace's data. Ids, stream links and
 * aliases are all per workspace.
 */
export class PersonKeyStore {
  private readonly db: Database.Database;
  private readonly idKey: Buffer;
  private readonly wrapKey: Buffer;
  private readonly keys = new Map<string, KeyObject | null>();
  /** Bumped whenever a cached key may have gone: caches of what keys decrypted follow it. */
  generation = 0;
  private readonly streams = new Map<string, string>();
  private readonly aliases = new Set<string>();
  private dataVersion = 0;
  private checkedAt = 0;
  private readonly stmts: {
    key: Database.Statement<[string], { key: Buffer }>;
    erased: Database.Statement<[string], { one: number }>;
    insertKey: Database.Statement<[string, Buffer, string]>;
    stream: Database.Statement<[string, string], { person_id: string }>;
    bindStream: Database.Statement<[string, string, string]>;
    alias: Database.Statement<[string, string]>;
    personsOfAlias: Database.Statement<[string], { person_id: string }>;
    streamsOf: Database.Statement<[string], { workspace_id: string; stream: string }>;
    deleteKey: Database.Statement<[string]>;
    markErased: Database.Statement<[string, string]>;
    deleteAliases: Database.Statement<[string, string]>;
    hasKey: Database.Statement<[string], { one: number }>;
  };

  constructor(
    readonly file: string,
    secret: Buffer,
  ) {
    if (secret.length !== SECRET_BYTES) throw new Error('the person secret must be 32 bytes');
    this.idKey = createHmac('sha256', secret).update('person id v1').digest();
    this.wrapKey = createHmac('sha256', secret).update('person key wrap v1').digest();
    if (file !== ':memory:') {
      // Owner-only before SQLite opens it: its -wal and -shm files take the same mode.
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    }
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS person_keys (
        person_id  TEXT PRIMARY KEY,
        key        BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS erased_persons (
        person_id TEXT PRIMARY KEY,
        erased_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS workspace_stream_persons (
        workspace_id TEXT NOT NULL,
        stream       TEXT NOT NULL,
        person_id    TEXT NOT NULL,
        PRIMARY KEY (workspace_id, stream)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS workspace_stream_persons_by_person
        ON workspace_stream_persons (person_id);
      CREATE TABLE IF NOT EXISTS person_aliases (
        alias_id  TEXT NOT NULL,
        person_id TEXT NOT NULL,
        PRIMARY KEY (alias_id, person_id)
      ) STRICT, WITHOUT ROWID;
    `);
    this.stmts = {
      key: this.db.prepare('SELECT key FROM person_keys WHERE person_id = ?'),
      erased: this.db.prepare('SELECT 1 AS one FROM erased_persons WHERE person_id = ?'),
      insertKey: this.db.prepare(
        'INSERT OR IGNORE INTO person_keys (person_id, key, created_at) VALUES (?, ?, ?)',
      ),
      stream: this.db.prepare(
        'SELECT person_id FROM workspace_stream_persons WHERE workspace_id = ? AND stream = ?',
      ),
      bindStream: this.db.prepare(
        'INSERT OR IGNORE INTO workspace_stream_persons (workspace_id, stream, person_id) VALUES (?, ?, ?)',
      ),
      alias: this.db.prepare(
        'INSERT OR IGNORE INTO person_aliases (alias_id, person_id) VALUES (?, ?)',
      ),
      personsOfAlias: this.db.prepare('SELECT person_id FROM person_aliases WHERE alias_id = ?'),
      streamsOf: this.db.prepare(
        'SELECT workspace_id, stream FROM workspace_stream_persons WHERE person_id = ?',
      ),
      deleteKey: this.db.prepare('DELETE FROM person_keys WHERE person_id = ?'),
      markErased: this.db.prepare(
        'INSERT OR IGNORE INTO erased_persons (person_id, erased_at) VALUES (?, ?)',
      ),
      deleteAliases: this.db.prepare(
        'DELETE FROM person_aliases WHERE alias_id = ? OR person_id = ?',
      ),
      hasKey: this.db.prepare('SELECT 1 AS one FROM person_keys WHERE person_id = ?'),
    };
    this.dataVersion = this.readDataVersion();
  }

  static open(dataDir: string, secretText?: string): PersonKeyStore {
    mkdirSync(dataDir, { recursive: true });
    const secret = loadPersonSecret(dataDir, secretText);
    try {
      return new PersonKeyStore(join(dataDir, PERSON_KEYS_FILE), secret);
    } finally {
      secret.fill(0);
    }
  }

  /**
   * The stable id of the person an email names in a workspace: a keyed hash of the workspace and
   * the normalised email, so the id says nothing of the email without the server secret, and
   * the same email in another workspace is another person. The one place this id is made.
   */
  personIdOf(workspaceId: string, email: string): string {
    return this.hash(`email\u0000${workspaceId}\u0000${normalizeEmail(email)}`);
  }

  /** The person a stream of a workspace is before any email was seen on it. */
  streamPersonId(workspaceId: string, stream: string): string {
    return this.hash(`stream\u0000${workspaceId}\u0000${stream}`);
  }

  /** The person's key, made on first use; null once the person is erased. */
  keyFor(personId: string): KeyObject | null {
    this.coherent();
    const cached = this.keys.get(personId);
    if (cached !== undefined) return cached;
    let row = this.stmts.key.get(personId);
    if (!row) {
      if (this.stmts.erased.get(personId)) return this.remember(personId, null);
      const key = randomBytes(KEY_BYTES);
      this.stmts.insertKey.run(personId, this.wrap(personId, key), new Date().toISOString());
      // Another process may have made it first: its key wins.
      row = this.stmts.key.get(personId);
      if (!row) return this.remember(personId, null);
    }
    return this.remember(personId, this.unwrap(personId, row.key));
  }

  /** The key when it exists, never making one (reading must not bring an erased person back). */
  existingKey(personId: string): KeyObject | null {
    this.coherent();
    const cached = this.keys.get(personId);
    if (cached !== undefined) return cached;
    const row = this.stmts.key.get(personId);
    if (!row) return null;
    return this.remember(personId, this.unwrap(personId, row.key));
  }

  /** The person of a workspace's stream: the first one bound to it stays. */
  personOfStream(workspaceId: string, stream: string, candidate: string | null): string | null {
    const k = `${workspaceId}\u0000${stream}`;
    const cached = this.streams.get(k);
    if (cached) return cached;
    let row = this.stmts.stream.get(workspaceId, stream);
    if (!row && candidate) {
      this.stmts.bindStream.run(workspaceId, stream, candidate);
      row = this.stmts.stream.get(workspaceId, stream);
    }
    if (row) {
      if (this.streams.size >= CACHE_ENTRIES) this.streams.clear();
      this.streams.set(k, row.person_id);
    }
    return row?.person_id ?? null;
  }

  /** `aliasId` (the id of another email seen with the person) now also reaches `personId`. */
  link(aliasId: string, personId: string): void {
    if (aliasId === personId) return;
    const k = `${aliasId}\u0000${personId}`;
    if (this.aliases.has(k)) return;
    this.stmts.alias.run(aliasId, personId);
    if (this.aliases.size >= CACHE_ENTRIES) this.aliases.clear();
    this.aliases.add(k);
  }

  /** Every key an erasure of this person must destroy: theirs and those they are an alias of. */
  reach(personId: string): string[] {
    const ids = new Set([personId]);
    for (const row of this.stmts.personsOfAlias.all(personId)) ids.add(row.person_id);
    return [...ids];
  }

  /**
   * The streams that are this person (member, identity, automation account), with their
   * workspace (always the person's own: a person id is made per workspace).
   */
  streamsOf(personId: string): { workspaceId: string; stream: string }[] {
    return this.stmts.streamsOf
      .all(personId)
      .map((r) => ({ workspaceId: r.workspace_id, stream: r.stream }));
  }

  hasKey(personId: string): boolean {
    return this.stmts.hasKey.get(personId) !== undefined;
  }

  isErased(personId: string): boolean {
    return this.stmts.erased.get(personId) !== undefined;
  }

  /**
   * Destroys the keys (zeroed in the file: secure_delete) and marks the persons erased, so no
   * key is made for them again. Returns how many keys existed. Idempotent.
   */
  erase(personIds: readonly string[]): number {
    const now = new Date().toISOString();
    let destroyed = 0;
    this.db.transaction(() => {
      for (const id of personIds) {
        destroyed += this.stmts.deleteKey.run(id).changes;
        this.stmts.markErased.run(id, now);
        this.stmts.deleteAliases.run(id, id);
      }
    })();
    for (const id of personIds) this.keys.set(id, null);
    this.aliases.clear();
    this.generation += 1;
    return destroyed;
  }

  /** Moves the key file's WAL into it and empties the WAL: destroyed keys leave no copy. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.keys.clear();
  }

  private hash(text: string): string {
    return createHmac('sha256', this.idKey).update(text).digest('hex').slice(0, 24);
  }

  private remember(personId: string, raw: Buffer | null): KeyObject | null {
    const key = raw ? createSecretKey(raw) : null;
    raw?.fill(0);
    if (this.keys.size >= CACHE_ENTRIES) this.keys.clear();
    this.keys.set(personId, key);
    return key;
  }

  /**
   * Runs `fn` in one transaction of the key file: the keys, stream persons and aliases a batch
   * of appends makes are written together instead of one commit each.
   */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Another process's erasure changes the file: then this one forgets what it cached. */
  refresh(): void {
    this.coherent();
  }

  private coherent(): void {
    const now = Date.now();
    if (now - this.checkedAt < COHERENCE_MS) return;
    this.checkedAt = now;
    const version = this.readDataVersion();
    if (version !== this.dataVersion) {
      this.dataVersion = version;
      this.keys.clear();
      this.generation += 1;
    }
  }

  private readDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  private wrap(personId: string, key: Buffer): Buffer {
    return encrypt(this.wrapKey, personId, key);
  }

  private unwrap(personId: string, wrapped: Buffer): Buffer {
    const key = decrypt(this.wrapKey, personId, wrapped);
    if (key.length !== KEY_BYTES || timingSafeEqual(key, Buffer.alloc(KEY_BYTES)))
      throw new Error(`the key of person ${personId} is damaged`);
    return key;
  }
}

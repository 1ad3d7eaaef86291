import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { VaultCiphertext, VaultEntry, VaultStorage } from './vault-storage';

interface Row {
  ref: string;
  workspace_id: string;
  purpose: string;
  key_id: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  created_at: string;
  updated_at: string;
}

export interface SqliteVaultStorageOptions {
  file: string;
  /** How long to wait for another process's write lock (default 5 s). */
  busyTimeoutMs?: number;
}

export class SqliteVaultStorage implements VaultStorage {
  private readonly db: Database.Database;
  private readonly insertStmt: Database.Statement<Row>;
  private readonly findStmt: Database.Statement<[string], Row>;
  private readonly updateStmt: Database.Statement<
    [string, Buffer, Buffer, Buffer, string, string, string]
  >;
  private readonly deleteStmt: Database.Statement<[string, string]>;
  private readonly hasStmt: Database.Statement<[string], { one: number }>;

  constructor(options: SqliteVaultStorageOptions) {
    if (options.file !== ':memory:') {
      mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
      // Pre-create the file owner-only: SQLite then gives its -wal and -shm files the same
      // mode, so even the metadata (workspaces, purposes) is not world-readable. An older
      // file (or its -wal/-shm) is tightened too.
      closeSync(openSync(options.file, 'a', 0o600));
      for (const path of [options.file, `${options.file}-wal`, `${options.file}-shm`]) {
        if (existsSync(path)) chmodSync(path, 0o600);
      }
    }
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    // A deleted entry (an erased person's credentials) is zeroed, not left in a free page.
    this.db.pragma('secure_delete = ON');
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS vault_entries (
        ref          TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        purpose      TEXT NOT NULL,
        key_id       TEXT NOT NULL,
        iv           BLOB NOT NULL,
        ciphertext   BLOB NOT NULL,
        tag          BLOB NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS vault_entries_by_key ON vault_entries (key_id);
    `);
    this.insertStmt = this.db.prepare(
      `INSERT INTO vault_entries (ref, workspace_id, purpose, key_id, iv, ciphertext, tag, created_at, updated_at)
       VALUES (@ref, @workspace_id, @purpose, @key_id, @iv, @ciphertext, @tag, @created_at, @updated_at)`,
    );
    this.findStmt = this.db.prepare('SELECT * FROM vault_entries WHERE ref = ?');
    this.updateStmt = this.db.prepare(
      `UPDATE vault_entries SET key_id = ?, iv = ?, ciphertext = ?, tag = ?, updated_at = ?
       WHERE ref = ? AND workspace_id = ?`,
    );
    this.deleteStmt = this.db.prepare(
      'DELETE FROM vault_entries WHERE ref = ? AND workspace_id = ?',
    );
    this.hasStmt = this.db.prepare('SELECT 1 AS one FROM vault_entries WHERE ref = ?');
  }

  async insert(entry: VaultEntry): Promise<void> {
    this.insertStmt.run({
      ref: entry.ref,
      workspace_id: entry.workspaceId,
      purpose: entry.purpose,
      key_id: entry.keyId,
      iv: entry.iv,
      ciphertext: entry.ciphertext,
      tag: entry.tag,
      created_at: entry.createdAt,
      updated_at: entry.updatedAt,
    });
  }

  async find(ref: string): Promise<VaultEntry | undefined> {
    const row = this.findStmt.get(ref);
    return (
      row && {
        ref: row.ref,
        workspaceId: row.workspace_id,
        purpose: row.purpose,
        keyId: row.key_id,
        iv: row.iv,
        ciphertext: row.ciphertext,
        tag: row.tag,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }
    );
  }

  async update(ref: string, workspaceId: string, c: VaultCiphertext): Promise<boolean> {
    const result = this.updateStmt.run(
      c.keyId,
      c.iv,
      c.ciphertext,
      c.tag,
      c.updatedAt,
      ref,
      workspaceId,
    );
    return result.changes > 0;
  }

  async delete(ref: string, workspaceId: string): Promise<boolean> {
    return this.deleteStmt.run(ref, workspaceId).changes > 0;
  }

  async has(ref: string): Promise<boolean> {
    return this.hasStmt.get(ref) !== undefined;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

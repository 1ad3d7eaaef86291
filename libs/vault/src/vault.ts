import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  VaultClosed,
  VaultDecryptionFailed,
  VaultEntryNotFound,
  VaultInvalidArgument,
  VaultKeyError,
} from './errors';
import { SqliteVaultStorage } from './sqlite-vault-storage';
import { loadOrCreateKeyFile, parseVaultKey, type VaultKey } from './vault-key';
import type { VaultEntry, VaultStorage } from './vault-storage';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const REF_PATTERN = /^vault:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const VAULT_FILE = 'vault.sqlite';

export interface VaultPutContext {
  workspaceId: string;
  /** What the secret is for (e.g. "automation-account-password"); stored in clear for audits. */
  purpose: string;
}

export interface VaultOptions {
  storage: VaultStorage;
  /** The first key encrypts; the others only decrypt entries written before a rotation. */
  keys: readonly [VaultKey, ...VaultKey[]];
  now?: () => Date;
}

/**
 * Secrets encrypted at rest with AES-256-GCM. Callers keep only the opaque `vault:<uuid>`
 * reference (that is what goes into events and read models); the plaintext leaves the vault
 * solely as the return value of `get`.
 */
export class Vault {
  readonly #storage: VaultStorage;
  readonly #current: VaultKey;
  readonly #keys: ReadonlyMap<string, VaultKey>;
  readonly #now: () => Date;
  #closed = false;

  constructor(options: VaultOptions) {
    this.#storage = options.storage;
    this.#current = options.keys[0];
    this.#keys = new Map(options.keys.map((k) => [k.id, k]));
    this.#now = options.now ?? (() => new Date());
  }

  /** The id of the key new entries are encrypted with (not secret). */
  get keyId(): string {
    return this.#current.id;
  }

  static isRef(value: unknown): value is string {
    return typeof value === 'string' && REF_PATTERN.test(value);
  }

  async put(secret: string, context: VaultPutContext): Promise<string> {
    this.assertOpen();
    checkSecret(secret);
    checkId('workspaceId', context?.workspaceId);
    checkId('purpose', context.purpose);
    const ref = `vault:${randomUUID()}`;
    const now = this.#now().toISOString();
    await this.#storage.insert({
      ref,
      workspaceId: context.workspaceId,
      purpose: context.purpose,
      ...this.encrypt(secret, ref, context.workspaceId),
      createdAt: now,
      updatedAt: now,
    });
    return ref;
  }

  async get(ref: string, workspaceId: string): Promise<string> {
    const entry = await this.find(ref, workspaceId);
    return this.decrypt(entry, workspaceId);
  }

  /** New ciphertext under the same ref, so events that point at it stay valid. */
  async replace(ref: string, secret: string, workspaceId: string): Promise<void> {
    this.assertOpen();
    checkSecret(secret);
    checkId('workspaceId', workspaceId);
    if (!Vault.isRef(ref)) throw notARef();
    const updated = await this.#storage.update(ref, workspaceId, {
      ...this.encrypt(secret, ref, workspaceId),
      updatedAt: this.#now().toISOString(),
    });
    if (!updated) throw new VaultEntryNotFound(ref, workspaceId);
  }

  /**
   * Idempotent so that a retried or replayed removal succeeds: resolves false when the
   * workspace has no such entry (another workspace's entry is left untouched).
   */
  async delete(ref: string, workspaceId: string): Promise<boolean> {
    this.assertOpen();
    checkId('workspaceId', workspaceId);
    if (!Vault.isRef(ref)) throw notARef();
    return this.#storage.delete(ref, workspaceId);
  }

  async has(ref: string): Promise<boolean> {
    this.assertOpen();
    return Vault.isRef(ref) && this.#storage.has(ref);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#storage.close();
  }

  private async find(ref: string, workspaceId: string): Promise<VaultEntry> {
    this.assertOpen();
    checkId('workspaceId', workspaceId);
    if (!Vault.isRef(ref)) throw notARef();
    const entry = await this.#storage.find(ref);
    // Another workspace's ref reads as absent: the caller learns nothing about other tenants.
    if (!entry || entry.workspaceId !== workspaceId) throw new VaultEntryNotFound(ref, workspaceId);
    return entry;
  }

  private encrypt(secret: string, ref: string, workspaceId: string) {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(ref, workspaceId));
    const plaintext = Buffer.from(secret, 'utf8');
    try {
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { keyId: this.#current.id, iv, ciphertext, tag: cipher.getAuthTag() };
    } finally {
      plaintext.fill(0);
    }
  }

  private decrypt(entry: VaultEntry, workspaceId: string): string {
    const key = this.#keys.get(entry.keyId);
    if (!key) throw new VaultDecryptionFailed(entry.ref, entry.keyId, 'unknown-key');
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(ALGORITHM, key.key, entry.iv, { authTagLength: TAG_BYTES });
      // The caller's workspace, not the stored one: a row moved between workspaces fails here.
      decipher.setAAD(aad(entry.ref, workspaceId));
      decipher.setAuthTag(entry.tag);
      plaintext = Buffer.concat([decipher.update(entry.ciphertext), decipher.final()]);
    } catch {
      // Node's own message is generic, but nothing from it is kept: the typed error says enough.
      throw new VaultDecryptionFailed(entry.ref, entry.keyId, 'authentication-failed');
    }
    try {
      return plaintext.toString('utf8');
    } finally {
      plaintext.fill(0);
    }
  }

  private assertOpen(): void {
    if (this.#closed) throw new VaultClosed();
  }
}

/** Binds a ciphertext to its ref and workspace; JSON keeps the two fields unambiguous. */
function aad(ref: string, workspaceId: string): Buffer {
  return Buffer.from(JSON.stringify(['vault-entry-v1', ref, workspaceId]), 'utf8');
}

function checkSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new VaultInvalidArgument('The secret must be a non-empty string');
  }
}

function checkId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new VaultInvalidArgument(`${name} must be a non-empty string`);
  }
}

// The bad value is not echoed: a caller who swapped arguments may have passed the secret.
function notARef(): VaultInvalidArgument {
  return new VaultInvalidArgument('Not a vault reference (expected vault:<uuid>)');
}

export interface CreateVaultOptions {
  dataDir: string;
  /** 32 bytes as hex or base64; without it the key file DATA_DIR/vault.key is used (or created). */
  vaultKey?: string;
  /** Keys retired by a rotation, still needed to read the entries they encrypted. */
  previousKeys?: readonly string[];
  /** Defaults to DATA_DIR/vault.sqlite. */
  file?: string;
}

/** The embedded vault: SQLite storage under dataDir, key from VAULT_KEY or the key file. */
export function createVault(options: CreateVaultOptions): Vault {
  if (!options.dataDir) throw new VaultKeyError('createVault needs a dataDir');
  const current = options.vaultKey
    ? parseVaultKey(options.vaultKey)
    : loadOrCreateKeyFile(options.dataDir);
  const previous = (options.previousKeys ?? []).map(parseVaultKey);
  const storage = new SqliteVaultStorage({
    file: options.file ?? join(options.dataDir, VAULT_FILE),
  });
  return new Vault({ storage, keys: [current, ...previous] });
}

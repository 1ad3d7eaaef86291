import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VaultKeyError } from './errors';

export const VAULT_KEY_BYTES = 32;
export const VAULT_KEY_FILE = 'vault.key';

/**
 * A key and its public id. The material lives in a KeyObject so that logging or inspecting a
 * VaultKey (or the Vault holding it) can never print the key bytes.
 */
export interface VaultKey {
  /** Stored beside each entry so that a rotated-out key can still be found to decrypt it. */
  readonly id: string;
  readonly key: KeyObject;
}

/** The key id is a keyed fingerprint: it tells keys apart without revealing anything of them. */
export function vaultKeyFromBytes(bytes: Buffer): VaultKey {
  if (bytes.length !== VAULT_KEY_BYTES) {
    throw new VaultKeyError(`A vault key must be ${VAULT_KEY_BYTES} bytes, got ${bytes.length}`);
  }
  const id = createHmac('sha256', bytes).update('vault key id v1').digest('hex').slice(0, 16);
  const key = createSecretKey(bytes);
  return { id, key };
}

/** VAULT_KEY: 64 hex characters or 44 base64 characters. The value is never echoed. */
export function parseVaultKey(value: string): VaultKey {
  const text = value.trim();
  let bytes: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    bytes = Buffer.from(text, 'hex');
  } else if (/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    bytes = Buffer.from(text, 'base64');
  } else {
    throw new VaultKeyError(
      `VAULT_KEY must be ${VAULT_KEY_BYTES} bytes as 64 hex characters or 44 base64 characters`,
    );
  }
  try {
    return vaultKeyFromBytes(bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * The key file under dataDir, created on first use. `wx` makes creation race-safe between
 * processes starting together: exactly one writes, the others read what it wrote.
 */
export function loadOrCreateKeyFile(dataDir: string): VaultKey {
  const file = join(dataDir, VAULT_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const fresh = randomBytes(VAULT_KEY_BYTES);
  try {
    writeFileSync(file, fresh, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new VaultKeyError(`Cannot create the vault key file ${file}: ${errorCode(error)}`);
    }
  } finally {
    fresh.fill(0);
  }
  return readKeyFile(file);
}

export function readKeyFile(file: string): VaultKey {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new VaultKeyError(`Cannot open the vault key file ${file}: ${errorCode(error)}`);
  }
  try {
    // Stat the open descriptor, not the path, so the checked file is the one read.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new VaultKeyError(`The vault key file ${file} is not a regular file`);
    // POSIX permissions mean nothing on Windows, where every file reports 0666-ish modes.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new VaultKeyError(
        `The vault key file ${file} has mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}; ` +
          `it must be readable by its owner only: chmod 600 ${file}`,
      );
    }
    const bytes = readAll(fd, file);
    // Only a prefix is read; the size says how wrong a too-long file is.
    const size = Math.max(bytes.length, fstatSync(fd).size);
    try {
      return vaultKeyFromBytes(bytes);
    } catch {
      throw new VaultKeyError(
        `The vault key file ${file} holds ${size} bytes; it must hold exactly ` +
          `${VAULT_KEY_BYTES} (a truncated or foreign file: restore it from backup)`,
      );
    } finally {
      bytes.fill(0);
    }
  } finally {
    closeSync(fd);
  }
}

function readAll(fd: number, file: string): Buffer {
  // One byte more than a key, to tell "too long" from "exactly right".
  const buffer = Buffer.alloc(VAULT_KEY_BYTES + 1);
  let length = 0;
  // A process that lost the `wx` race may see the winner's file before its single write lands.
  for (let attempt = 0; attempt < 50; attempt++) {
    length = readInto(fd, buffer, file);
    if (length > 0) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  const bytes = Buffer.from(buffer.subarray(0, length));
  buffer.fill(0);
  return bytes;
}

function readInto(fd: number, buffer: Buffer, file: string): number {
  let length = 0;
  try {
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0 || length + n === buffer.length) return length + n;
      length += n;
    }
  } catch (error) {
    throw new VaultKeyError(`Cannot read the vault key file ${file}: ${errorCode(error)}`);
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

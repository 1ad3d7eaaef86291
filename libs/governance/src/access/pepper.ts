import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PEPPER_FILE = 'api-key.pepper';
const PEPPER_BYTES = 32;

export class PepperError extends Error {
  override readonly name = 'PepperError';
}

/**
 * The server secret credentials are hashed with: API_KEY_PEPPER, else DATA_DIR/api-key.pepper,
 * created on first use like the vault key (`wx`: of processes starting together exactly one
 * writes, the others read what it wrote). A KeyObject so that no log or inspection prints it.
 */
export function loadPepper(env: { API_KEY_PEPPER?: string; DATA_DIR: string }): KeyObject {
  if (env.API_KEY_PEPPER) return createSecretKey(Buffer.from(env.API_KEY_PEPPER, 'utf8'));
  mkdirSync(env.DATA_DIR, { recursive: true });
  const file = join(env.DATA_DIR, PEPPER_FILE);
  const fresh = randomBytes(PEPPER_BYTES);
  try {
    writeFileSync(file, fresh, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new PepperError(`Cannot create the API key pepper file ${file}: ${codeOf(error)}`);
    }
  } finally {
    fresh.fill(0);
  }
  return readPepperFile(file);
}

function readPepperFile(file: string): KeyObject {
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PepperError(`The API key pepper file ${file} is not a file`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new PepperError(
        `The API key pepper file ${file} has mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}; ` +
          `it must be readable by its owner only: chmod 600 ${file}`,
      );
    }
    const buffer = Buffer.alloc(PEPPER_BYTES + 1);
    let length = 0;
    // A process that lost the `wx` race may open the file before the winner's write lands.
    for (let attempt = 0; attempt < 50 && length < PEPPER_BYTES; attempt++) {
      length = readSync(fd, buffer, 0, buffer.length, 0);
      if (length < PEPPER_BYTES) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    if (length !== PEPPER_BYTES) {
      buffer.fill(0);
      throw new PepperError(
        `The API key pepper file ${file} must hold exactly ${PEPPER_BYTES} bytes (restore it from backup)`,
      );
    }
    try {
      return createSecretKey(buffer.subarray(0, PEPPER_BYTES));
    } finally {
      buffer.fill(0);
    }
  } finally {
    closeSync(fd);
  }
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

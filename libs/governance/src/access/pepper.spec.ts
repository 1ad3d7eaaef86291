import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hmacSecret } from './credential-index';
import { loadPepper, PEPPER_FILE, PepperError } from './pepper';

describe('the API key pepper', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pepper-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('given no API_KEY_PEPPER, when loaded twice, then one 0600 file under DATA_DIR gives the same hashes', () => {
    const first = loadPepper({ DATA_DIR: dataDir });
    const second = loadPepper({ DATA_DIR: dataDir });
    expect(statSync(join(dataDir, PEPPER_FILE)).mode & 0o777).toBe(0o600);
    expect(hmacSecret(first, 'pak_x')).toBe(hmacSecret(second, 'pak_x'));
  });

  it('given API_KEY_PEPPER, then it is the secret and no file is written; another pepper gives other hashes', () => {
    const set = loadPepper({ DATA_DIR: dataDir, API_KEY_PEPPER: 'p'.repeat(32) });
    expect(() => statSync(join(dataDir, PEPPER_FILE))).toThrow();
    const other = loadPepper({ DATA_DIR: dataDir, API_KEY_PEPPER: 'q'.repeat(32) });
    expect(hmacSecret(set, 'pak_x')).not.toBe(hmacSecret(other, 'pak_x'));
  });

  it('given a pepper file readable by others, then the start is refused naming the file and the fix', () => {
    loadPepper({ DATA_DIR: dataDir });
    chmodSync(join(dataDir, PEPPER_FILE), 0o644);
    expect(() => loadPepper({ DATA_DIR: dataDir })).toThrow(PepperError);
    expect(() => loadPepper({ DATA_DIR: dataDir })).toThrow(/chmod 600/);
  });
});

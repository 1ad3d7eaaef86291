import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createVault, loadOrCreateKeyFile, parseVaultKey, VaultKeyError } from './index';

const posix = process.platform !== 'win32';

describe('vault key', () => {
  let dataDir: string;
  let keyFile: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-key-spec-'));
    keyFile = join(dataDir, 'vault.key');
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a 32-byte key file with mode 0600 on first use', () => {
    // given an empty data dir
    // when
    loadOrCreateKeyFile(join(dataDir, 'nested'));
    // then
    const file = join(dataDir, 'nested', 'vault.key');
    expect(readFileSync(file)).toHaveLength(32);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reuses the key file on reopen', async () => {
    // given
    const first = loadOrCreateKeyFile(dataDir);
    const bytes = readFileSync(keyFile);
    // when
    const second = loadOrCreateKeyFile(dataDir);
    // then
    expect(second.id).toBe(first.id);
    expect(readFileSync(keyFile).equals(bytes)).toBe(true);
  });

  (posix ? it : it.skip).each([0o644, 0o640, 0o604, 0o660])(
    'refuses a key file with mode %o, naming the file but not the key',
    (mode) => {
      // given
      loadOrCreateKeyFile(dataDir);
      const bytes = readFileSync(keyFile);
      chmodSync(keyFile, mode);
      // when
      const open = () => createVault({ dataDir });
      // then
      expect(open).toThrow(VaultKeyError);
      expect(open).toThrow(keyFile);
      expect(open).toThrow(/chmod 600/);
      const message = captureMessage(open);
      expect(message).not.toContain(bytes.toString('hex'));
      expect(message).not.toContain(bytes.toString('base64'));
    },
  );

  it.each([0, 31, 33, 64])('refuses a key file of %i bytes', (length) => {
    // given
    writeFileSync(keyFile, randomBytes(length), { mode: 0o600 });
    // when
    const open = () => loadOrCreateKeyFile(dataDir);
    // then
    expect(open).toThrow(VaultKeyError);
    expect(open).toThrow(keyFile);
    expect(open).toThrow(new RegExp(`holds ${length} bytes`));
  });

  it('parses hex and base64 forms of the same key to the same key id', () => {
    // given
    const bytes = randomBytes(32);
    // when
    const hex = parseVaultKey(bytes.toString('hex'));
    const upperHex = parseVaultKey(bytes.toString('hex').toUpperCase());
    const base64 = parseVaultKey(bytes.toString('base64'));
    // then
    expect(upperHex.id).toBe(hex.id);
    expect(base64.id).toBe(hex.id);
    expect(hex.key.export().equals(bytes)).toBe(true);
  });

  it.each([
    ['too short hex', randomBytes(31).toString('hex')],
    ['base64 of 33 bytes', randomBytes(33).toString('base64')],
    ['garbage', 'not-a-key-but-some-password-1234567890abcdefghij'],
  ])('refuses a VAULT_KEY that is %s without echoing it', (_name, value) => {
    // given / when
    const parse = () => parseVaultKey(value);
    // then
    expect(parse).toThrow(VaultKeyError);
    expect(captureMessage(parse)).not.toContain(value);
  });

  it('prefers VAULT_KEY and then creates no key file', () => {
    // given
    const value = randomBytes(32).toString('base64');
    // when
    const vault = createVault({ dataDir, vaultKey: value });
    // then
    expect(vault.keyId).toBe(parseVaultKey(value).id);
    expect(() => statSync(keyFile)).toThrow();
    return vault.close();
  });
});

function captureMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return `${String(error)}\n${(error as Error).stack}`;
  }
  throw new Error('expected a throw');
}

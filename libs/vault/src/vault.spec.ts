import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  createVault,
  Vault,
  VaultClosed,
  VaultDecryptionFailed,
  VaultEntryNotFound,
  VaultInvalidArgument,
} from './index';

const SECRET = 'correct horse battery staple ✓ 7f3a91';
const WS = 'ws-acme';
const OTHER_WS = 'ws-globex';
const ctx = { workspaceId: WS, purpose: 'automation-account-password' };

describe('Vault', () => {
  let dataDir: string;
  const open: Vault[] = [];
  const openVault = (vaultKey?: string, previousKeys?: string[]): Vault => {
    const vault = createVault({ dataDir, vaultKey, previousKeys });
    open.push(vault);
    return vault;
  };
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(join(dataDir, 'vault.sqlite'));
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const row = (ref: string) =>
    withDb(
      (db) =>
        db.prepare('SELECT * FROM vault_entries WHERE ref = ?').get(ref) as {
          workspace_id: string;
          key_id: string;
          iv: Buffer;
          ciphertext: Buffer;
          tag: Buffer;
        },
    );
  const flip = (b: Buffer): Buffer => {
    const copy = Buffer.from(b);
    copy[0] ^= 0x01;
    return copy;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-spec-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((v) => v.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('round-trips a secret through an opaque reference', async () => {
    // given
    const vault = openVault();
    // when
    const ref = await vault.put(SECRET, ctx);
    // then
    expect(ref).toMatch(/^vault:[0-9a-f-]{36}$/);
    expect(ref).not.toContain(SECRET);
    expect(await vault.has(ref)).toBe(true);
    expect(await vault.get(ref, WS)).toBe(SECRET);
  });

  it('survives a reopen with the same key file', async () => {
    // given
    const first = openVault();
    const ref = await first.put(SECRET, ctx);
    await first.close();
    // when
    const second = openVault();
    // then
    expect(await second.get(ref, WS)).toBe(SECRET);
  });

  it('stores neither the plaintext in the ciphertext nor anywhere in the files', async () => {
    // given
    const vault = openVault();
    const ref = await vault.put(SECRET, ctx);
    // when
    const stored = row(ref);
    const filesWhileOpen = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)));
    await vault.close();
    const filesAfterClose = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)));
    // then
    const plaintext = Buffer.from(SECRET, 'utf8');
    expect(stored.iv).toHaveLength(12);
    expect(stored.tag).toHaveLength(16);
    expect(stored.ciphertext.equals(plaintext)).toBe(false);
    expect(stored.ciphertext.indexOf(plaintext)).toBe(-1);
    for (const bytes of [...filesWhileOpen, ...filesAfterClose]) {
      expect(bytes.indexOf(plaintext)).toBe(-1);
      expect(bytes.indexOf(Buffer.from(SECRET, 'utf16le'))).toBe(-1);
    }
  });

  it('keeps the database file readable by its owner only', async () => {
    // given
    const vault = openVault();
    // when
    await vault.put(SECRET, ctx);
    // then
    if (process.platform !== 'win32') {
      expect(statSync(join(dataDir, 'vault.sqlite')).mode & 0o777).toBe(0o600);
    }
  });

  it('gives two puts of the same secret different IVs and ciphertexts', async () => {
    // given
    const vault = openVault();
    // when
    const a = row(await vault.put(SECRET, ctx));
    const b = row(await vault.put(SECRET, ctx));
    // then
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('stores the id of the key beside each entry', async () => {
    // given
    const vault = openVault();
    // when
    const stored = row(await vault.put(SECRET, ctx));
    // then
    expect(stored.key_id).toBe(vault.keyId);
    expect(stored.key_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ['ciphertext', 'UPDATE vault_entries SET ciphertext = ? WHERE ref = ?', 'ciphertext'],
    ['tag', 'UPDATE vault_entries SET tag = ? WHERE ref = ?', 'tag'],
    ['iv', 'UPDATE vault_entries SET iv = ? WHERE ref = ?', 'iv'],
  ] as const)('refuses a tampered %s', async (_name, sql, column) => {
    // given
    const vault = openVault();
    const ref = await vault.put(SECRET, ctx);
    const original = row(ref)[column];
    withDb((db) => db.prepare(sql).run(flip(original), ref));
    // when
    const read = vault.get(ref, WS);
    // then
    await expect(read).rejects.toBeInstanceOf(VaultDecryptionFailed);
    await expect(read).rejects.toThrow(/wrong or the stored data was tampered with/);
  });

  it('refuses a ciphertext moved to another ref (the ref is authenticated)', async () => {
    // given
    const vault = openVault();
    const victim = await vault.put(SECRET, ctx);
    const attacker = await vault.put('attacker-known', ctx);
    const { iv, ciphertext, tag } = row(victim);
    withDb((db) =>
      db
        .prepare('UPDATE vault_entries SET iv = ?, ciphertext = ?, tag = ? WHERE ref = ?')
        .run(iv, ciphertext, tag, attacker),
    );
    // when / then
    await expect(vault.get(attacker, WS)).rejects.toBeInstanceOf(VaultDecryptionFailed);
  });

  it('refuses an entry moved to another workspace (the workspace is authenticated)', async () => {
    // given
    const vault = openVault();
    const ref = await vault.put(SECRET, ctx);
    withDb((db) =>
      db.prepare('UPDATE vault_entries SET workspace_id = ? WHERE ref = ?').run(OTHER_WS, ref),
    );
    // when / then
    await expect(vault.get(ref, OTHER_WS)).rejects.toBeInstanceOf(VaultDecryptionFailed);
  });

  it('cannot be read by a vault opened with another key', async () => {
    // given
    const ref = await openVault().put(SECRET, ctx);
    const otherKey = randomBytes(32).toString('hex');
    // when
    const other = openVault(otherKey);
    // then
    await expect(other.get(ref, WS)).rejects.toBeInstanceOf(VaultDecryptionFailed);
    await expect(other.get(ref, WS)).rejects.toThrow(/does not hold/);
  });

  it('fails authentication when an entry claims the current key id but used another key', async () => {
    // given
    const keyA = randomBytes(32).toString('hex');
    const keyB = randomBytes(32).toString('hex');
    const ref = await openVault(keyA).put(SECRET, ctx);
    const b = openVault(keyB);
    withDb((db) =>
      db.prepare('UPDATE vault_entries SET key_id = ? WHERE ref = ?').run(b.keyId, ref),
    );
    // when / then
    await expect(b.get(ref, WS)).rejects.toBeInstanceOf(VaultDecryptionFailed);
  });

  it('reads entries of a rotated-out key and writes replacements with the new one', async () => {
    // given
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('base64');
    const ref = await openVault(oldKey).put(SECRET, ctx);
    // when
    const rotated = openVault(newKey, [oldKey]);
    const before = await rotated.get(ref, WS);
    await rotated.replace(ref, 'rotated secret', WS);
    // then
    expect(before).toBe(SECRET);
    expect(row(ref).key_id).toBe(rotated.keyId);
    expect(await openVault(newKey).get(ref, WS)).toBe('rotated secret');
  });

  it('accepts VAULT_KEY as hex and as base64 for the same key', async () => {
    // given
    const bytes = randomBytes(32);
    const hexVault = openVault(bytes.toString('hex'));
    const ref = await hexVault.put(SECRET, ctx);
    // when
    const base64Vault = openVault(bytes.toString('base64'));
    // then
    expect(base64Vault.keyId).toBe(hexVault.keyId);
    expect(await base64Vault.get(ref, WS)).toBe(SECRET);
    expect(readdirSync(dataDir)).not.toContain('vault.key');
  });

  it("refuses another workspace's ref without revealing that it exists", async () => {
    // given
    const vault = openVault();
    const ref = await vault.put(SECRET, ctx);
    // when / then
    await expect(vault.get(ref, OTHER_WS)).rejects.toBeInstanceOf(VaultEntryNotFound);
    await expect(vault.replace(ref, 'hijack', OTHER_WS)).rejects.toBeInstanceOf(VaultEntryNotFound);
    expect(await vault.delete(ref, OTHER_WS)).toBe(false);
    expect(await vault.get(ref, WS)).toBe(SECRET);
  });

  it('replaces a secret under the same ref with a fresh ciphertext', async () => {
    // given
    const vault = openVault();
    const ref = await vault.put(SECRET, ctx);
    const before = row(ref);
    // when
    await vault.replace(ref, 'new password', WS);
    // then
    const after = row(ref);
    expect(await vault.get(ref, WS)).toBe('new password');
    expect(after.iv.equals(before.iv)).toBe(false);
  });

  it('deletes idempotently', async () => {
    // given
    const vault = openVault();
    const ref = await vault.put(SECRET, ctx);
    // when
    const first = await vault.delete(ref, WS);
    const second = await vault.delete(ref, WS);
    // then
    expect([first, second]).toEqual([true, false]);
    expect(await vault.has(ref)).toBe(false);
    await expect(vault.get(ref, WS)).rejects.toBeInstanceOf(VaultEntryNotFound);
  });

  it('reports unknown and malformed refs as absent from has()', async () => {
    // given
    const vault = openVault();
    // when / then
    expect(await vault.has('vault:00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(await vault.has('not a ref')).toBe(false);
  });

  it('refuses use after close', async () => {
    // given
    const vault = openVault();
    // when
    await vault.close();
    await vault.close();
    // then
    await expect(vault.put(SECRET, ctx)).rejects.toBeInstanceOf(VaultClosed);
  });

  it('never puts the secret or the key into error messages or inspections', async () => {
    // given
    const key = randomBytes(32);
    const vault = openVault(key.toString('hex'));
    const ref = await vault.put(SECRET, ctx);
    const other = openVault(randomBytes(32).toString('hex'));
    // when
    const errors: unknown[] = await Promise.all([
      vault.get(ref, OTHER_WS).catch((e: unknown) => e),
      other.get(ref, WS).catch((e: unknown) => e),
      vault.replace(ref, SECRET, OTHER_WS).catch((e: unknown) => e),
      // a caller who swapped the arguments
      vault.get(SECRET, WS).catch((e: unknown) => e),
      vault.replace(SECRET, ref, WS).catch((e: unknown) => e),
      vault.delete(SECRET, WS).catch((e: unknown) => e),
      vault.put(SECRET, { workspaceId: '', purpose: 'x' }).catch((e: unknown) => e),
      vault.put('', ctx).catch((e: unknown) => e),
    ]);
    withDb((db) =>
      db.prepare('UPDATE vault_entries SET tag = ? WHERE ref = ?').run(flip(row(ref).tag), ref),
    );
    errors.push(await vault.get(ref, WS).catch((e: unknown) => e));
    // then
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    expect(errors.some((e) => e instanceof VaultInvalidArgument)).toBe(true);
    const texts = [
      ...errors.map(
        (e) => `${String(e)}\n${(e as Error).stack}\n${inspect(e)}\n${JSON.stringify(e)}`,
      ),
      inspect(vault, { depth: 10, showHidden: true }),
      JSON.stringify(vault),
    ];
    for (const text of texts) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(key.toString('hex'));
      expect(text).not.toContain(key.toString('base64'));
    }
  });
});

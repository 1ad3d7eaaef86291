import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PERSON_KEYS_FILE, PersonKeyStore } from './person-keys';

describe('person key store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pk-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('personIdOf is stable across processes sharing the secret, normalises the email, is per workspace, and says nothing of it', () => {
    const a = PersonKeyStore.open(dir);
    const b = PersonKeyStore.open(dir);
    const other = PersonKeyStore.open(mkdtempSync(join(tmpdir(), 'pk-other-')));
    try {
      const id = a.personIdOf('w1', 'Ada.Lovelace@Corp.test');
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      expect(b.personIdOf('w1', ' ada.lovelace@corp.test ')).toBe(id);
      // a person is a person of one workspace: the same email elsewhere is another person
      expect(a.personIdOf('w2', 'ada.lovelace@corp.test')).not.toBe(id);
      // another secret, another id: the id cannot be computed from the email alone
      expect(other.personIdOf('w1', 'ada.lovelace@corp.test')).not.toBe(id);
    } finally {
      a.close();
      b.close();
      other.close();
    }
  });

  it('a key is made once (two stores racing agree), erased keys are zeroed, never made again, and another store forgets its cached copy', async () => {
    const a = PersonKeyStore.open(dir);
    const b = PersonKeyStore.open(dir);
    try {
      const id = a.personIdOf('w1', 'grace@corp.test');
      const key = a.keyFor(id)!.export();
      expect(b.keyFor(id)!.export().equals(key)).toBe(true);

      const db = new Database(join(dir, PERSON_KEYS_FILE), { readonly: true });
      const { key: wrapped } = db.prepare('SELECT key FROM person_keys').get() as { key: Buffer };
      db.close();

      expect(b.erase([id])).toBe(1);
      b.checkpoint();
      expect(a.isErased(id)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(a.existingKey(id)).toBeNull();
      expect(a.keyFor(id)).toBeNull();
      expect(b.erase([id])).toBe(0);
      a.close();
      b.close();
      // secure_delete: the wrapped key's bytes are nowhere in the files once destroyed
      const files = ['', '-wal'].map((s) => {
        try {
          return readFileSync(join(dir, PERSON_KEYS_FILE + s));
        } catch {
          return Buffer.alloc(0);
        }
      });
      expect(files[0].length).toBeGreaterThan(0);
      for (const f of files) expect(f.includes(wrapped)).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });
});

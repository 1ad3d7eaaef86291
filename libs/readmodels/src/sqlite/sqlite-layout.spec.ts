import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteReadModelStore } from './sqlite-read-model-store';

/** What the SQLite adapter lays out on disk: index fields stored once per write, not derived per read. */
describe('sqlite read-model layout', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-layout-'));
    file = join(dir, 'rm.sqlite');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `hidden` of table_xinfo: 0 a plain column, 2 a virtual generated one, 3 a stored one. */
  function columns(table: string): Record<string, number> {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.pragma(`table_xinfo("${table}")`) as { name: string; hidden: number }[];
      return Object.fromEntries(rows.map((r) => [r.name, r.hidden]));
    } finally {
      db.close();
    }
  }

  it('stores every index field as a generated column computed on write, in a compound index in key order', async () => {
    // given
    const store = new SqliteReadModelStore({ file });
    await store.ensureCollection({ name: 'members', indexes: [['integrationId', 'tab', 'name']] });
    await store.collection('members').upsert({ id: 'm1', integrationId: 'i', tab: 'u', name: 'A' });
    await store.close();
    // then
    expect(columns('rm_members')).toEqual({
      rid: 0,
      id: 0,
      doc: 0,
      'f:integrationId': 3,
      'f:name': 3,
      'f:tab': 3,
    });
    const db = new Database(file, { readonly: true });
    const keys = db.pragma(`index_info("rm_members:integrationId,tab,name")`) as { name: string }[];
    const stored = db.prepare(`SELECT "f:tab" AS tab FROM rm_members`).get();
    db.close();
    expect(keys.map((k) => k.name)).toEqual(['f:integrationId', 'f:tab', 'f:name', 'id']);
    expect(stored).toEqual({ tab: 'u' });
  });

  it('rebuilds a table of the older layout (virtual columns) keeping its documents', async () => {
    // given a file written by the earlier adapter: id as primary key, a virtual column per field
    const db = new Database(file);
    db.exec(
      `CREATE TABLE rm_collections (name TEXT PRIMARY KEY NOT NULL, fields TEXT NOT NULL);` +
        `CREATE TABLE checkpoints (name TEXT PRIMARY KEY NOT NULL, position INTEGER NOT NULL, updated_at TEXT NOT NULL);` +
        `CREATE TABLE rm_people (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL);` +
        `ALTER TABLE rm_people ADD COLUMN "f:tab" GENERATED ALWAYS AS (json_extract(doc, '$.tab')) VIRTUAL;` +
        `CREATE INDEX "rm_people:tab" ON rm_people ("f:tab", id);` +
        `INSERT INTO rm_collections VALUES ('people', '["tab"]');` +
        `INSERT INTO rm_people (id, doc) VALUES ('p1', '{"id":"p1","tab":"u","name":"Zoë"}'), ('p2', '{"id":"p2","tab":"o","name":"Al"}');`,
    );
    db.close();
    // when a newer declaration opens it
    const store = new SqliteReadModelStore({ file });
    await store.ensureCollection({ name: 'people', indexes: [['tab', 'name']], search: ['name'] });
    // then the old documents answer from stored columns, the old field and the new index alike
    expect(columns('rm_people')).toMatchObject({ rid: 0, 'f:tab': 3, 'f:name': 3 });
    const people = store.collection('people');
    expect(await people.count({ tab: 'u' })).toBe(1);
    const page = await people.find({
      where: { tab: 'u' },
      sort: [{ field: 'name' }],
      search: ['zoe'],
    });
    expect(page.items).toEqual([{ id: 'p1', tab: 'u', name: 'Zoë' }]);
    await store.close();
  });
});

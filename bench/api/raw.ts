/**
 * bench/api, the bare handler: node:http and better-sqlite3, no framework, no auth. It lays
 * the service's data out as it likes (each member's finished JSON in one row, an index in the
 * page's order, the counts in a row) and answers the same page: the same rows, counts and
 * JSON shape. That is what this machine can do at best; the service is measured against it.
 *
 * The layout is built once at start from the service's read models through the service's
 * own query (so the JSON is the same); requests then touch only this process's tables.
 */
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { MembersQuery } from '@app/governance';
import { SqliteReadModelStore } from '@app/readmodels/sqlite';

const [source, integrationId] = process.argv.slice(2);
const TABS = ['unmatched', 'onboarded', 'exempted'] as const;

async function build(db: Database.Database): Promise<void> {
  db.exec(
    'CREATE TABLE page (tab TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (tab, name, id)) WITHOUT ROWID;' +
      'CREATE TABLE counts (integration TEXT PRIMARY KEY, unmatched INTEGER, onboarded INTEGER, exempted INTEGER);',
  );
  const store = new SqliteReadModelStore({ file: source });
  const query = new MembersQuery(store);
  const insert = db.prepare('INSERT INTO page (tab, name, id, json) VALUES (?, ?, ?, ?)');
  for (const tab of TABS) {
    let cursor: string | undefined;
    do {
      const page = await query.page(integrationId, { tab, limit: 1000, cursor });
      db.transaction(() => {
        for (const item of page.items) insert.run(tab, item.name, item.id, JSON.stringify(item));
      })();
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  const counts = await query.counts(integrationId);
  db.prepare('INSERT INTO counts VALUES (?, ?, ?, ?)').run(
    integrationId,
    counts.unmatched,
    counts.onboarded,
    counts.exempted,
  );
  await store.close();
}

async function main(): Promise<void> {
  const db = new Database(':memory:');
  await build(db);
  const first = db
    .prepare('SELECT name, id, json FROM page WHERE tab = ? ORDER BY name, id LIMIT ?')
    .raw();
  const after = db
    .prepare(
      'SELECT name, id, json FROM page WHERE tab = ? AND (name, id) > (?, ?) ORDER BY name, id LIMIT ?',
    )
    .raw();
  const counts = db.prepare(
    'SELECT unmatched, onboarded, exempted FROM counts WHERE integration = ?',
  );
  const path = `/api/integrations/${integrationId}/members`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://raw');
    const tab = url.searchParams.get('tab') ?? 'unmatched';
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const cursor = url.searchParams.get('cursor');
    if (url.pathname !== path || !(TABS as readonly string[]).includes(tab)) {
      res.writeHead(404).end();
      return;
    }
    let rows: [string, string, string][];
    if (cursor) {
      const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as string[];
      rows = after.all(tab, name, id, limit + 1) as [string, string, string][];
    } else {
      rows = first.all(tab, limit + 1) as [string, string, string][];
    }
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const last = items[items.length - 1];
    const next = more
      ? Buffer.from(JSON.stringify([last[0], last[1]])).toString('base64url')
      : null;
    const c = counts.get(integrationId) as Record<string, number>;
    const body =
      `{"items":[${items.map((r) => r[2]).join(',')}],"nextCursor":${JSON.stringify(next)},` +
      `"counts":{"unmatched":${c.unmatched},"onboarded":${c.onboarded},"exempted":${c.exempted}}}`;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  });
  server.keepAliveTimeout = 10_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: 'cpu', ms: (user + system) / 1000 });
    }
    if (message.type === 'stop') server.close(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

/**
 * bench:core — the event store's port against raw better-sqlite3 on the same machine, in the
 * same run.
 *
 *   npm run bench:core -- [--events 1000000] [--streams 10000] [--batch 50]
 *                         [--w-events 200000] [--w-streams 10000] [--chunk 1000] [--keep]
 *
 * 1. Batch appends: `--events` events (~300 bytes of JSON data each) over `--streams` streams,
 *    `--batch` events per append, through `EventStore.appendToStream` (sqlite adapter), and the
 *    identical rows through raw better-sqlite3 (same table and indexes, same pragmas, one
 *    transaction per batch). A third file with only the (stream, revision) index shows what
 *    the store's extra indexes cost.
 * 2. Rebuild: the `streams` projection (per-stream stats) replayed from scratch by the
 *    ProjectionRunner into the sqlite read-model store; raw: every row read in order, both JSON
 *    columns parsed, the same stats folded into a Map.
 * 3. The command-handling pattern: `--w-events` events as sequential awaited appends of 2
 *    events each with an expected revision, round-robin over `--w-streams` streams, then every
 *    stream read once; raw does one transaction per append and one query per stream.
 *
 * Port and raw run in alternating chunks (and alternate which goes first), so a change in the
 * machine's load during the run weighs on both sides alike. Event objects are made before
 * each chunk and shared by both sides: what is timed is serialising and storing them.
 *
 * Prints `# …` progress lines, then one JSON line.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Database from 'better-sqlite3';
import { EventStore, streamCategory, type NewEvent, type RecordedEvent } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { COLUMNS, SCHEMA, type EventRow } from '@app/eventstore/sqlite/schema';
import { ProjectionRunner, STREAMS_COLLECTION, streamsProjection } from '@app/projections';
import { SqliteReadModelStore } from '@app/readmodels/sqlite';
import { makeEvent, streamName } from './workload';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`--${name} needs a positive integer\n`);
    process.exit(2);
  }
  return value;
}

const EVENTS = arg('events', 1_000_000);
const STREAMS = Math.min(arg('streams', 10_000), EVENTS);
const BATCH = arg('batch', 50);
const W_EVENTS = arg('w-events', 200_000);
const W_STREAMS = Math.min(arg('w-streams', 10_000), Math.ceil(W_EVENTS / 2));
const KEEP = process.argv.includes('--keep');
/** Events per alternation between the port and raw. */
const CHUNK_EVENTS = arg('chunk', 1_000);

setFlagsFromString('--expose-gc');
/**
 * Called between phases, so that one phase's garbage is neither collected on the next phase's
 * time nor counted in its memory.
 */
const collectGarbage = runInNewContext('gc') as () => void;

const progress = (line: string) =>
  process.stdout.write(
    `# ${line} [rss ${Math.round(process.memoryUsage().rss / 1048576)} MB, heap ${Math.round(process.memoryUsage().heapTotal / 1048576)} MB, external ${Math.round((process.memoryUsage().external + process.memoryUsage().arrayBuffers) / 1048576)} MB, peak ${peakRssMb()} MB]\n`,
  );
const perSec = (count: number, ns: bigint) => (count * 1e9) / Number(ns);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Raw better-sqlite3: the rows the adapter writes, with nothing around them. */
class RawLog {
  readonly db: Database.Database;
  private readonly insert: Database.Statement;
  readonly append: (stream: string, events: readonly NewEvent[], firstRevision: number) => void;

  constructor(file: string, schema: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(schema);
    this.insert = this.db.prepare(
      `INSERT INTO events (id, stream, category, revision, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.append = this.db.transaction(
      (stream: string, events: readonly NewEvent[], first: number) => {
        const category = streamCategory(stream);
        const recordedAt = new Date().toISOString();
        for (let i = 0; i < events.length; i++) {
          const e = events[i];
          this.insert.run(
            e.id,
            stream,
            category,
            first + i,
            e.type,
            JSON.stringify(e.data),
            JSON.stringify(e.metadata),
            recordedAt,
          );
        }
      },
    );
  }
}

/** The schema STACK.md's ceiling was measured with: the columns and (stream, revision) only. */
const MINIMAL_SCHEMA = SCHEMA.split(';')[0] + ';';

interface Append {
  stream: string;
  events: NewEvent[];
  firstRevision: number;
}

/** Appends in round-robin order over the streams, `perAppend` events each, `total` in all. */
function* appendPlan(total: number, streams: number, perAppend: number): Generator<Append[]> {
  let chunk: Append[] = [];
  let chunkEvents = 0;
  let made = 0;
  for (let round = 0; made < total; round++) {
    for (let s = 0; s < streams && made < total; s++) {
      const count = Math.min(perAppend, total - made);
      const first = round * perAppend;
      const events = Array.from({ length: count }, (_, i) => makeEvent(s, first + i));
      chunk.push({ stream: streamName(s), events, firstRevision: first });
      made += count;
      chunkEvents += count;
      if (chunkEvents >= CHUNK_EVENTS) {
        yield chunk;
        chunk = [];
        chunkEvents = 0;
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

interface Contender {
  name: string;
  run: (chunk: readonly Append[]) => Promise<void>;
  ns: bigint;
  /** Process CPU time spent in its chunks, in µs: shows how much of a core the machine gave. */
  cpu?: number;
}

const cpuRate = (count: number, c: Contender) => (c.cpu ? (count * 1e6) / c.cpu : 0);

async function race(
  label: string,
  total: number,
  perAppend: number,
  streams: number,
  contenders: Contender[],
) {
  let done = 0;
  let chunkNo = 0;
  let nextReport = total / 10;
  for (const chunk of appendPlan(total, streams, perAppend)) {
    const order = chunkNo++ % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      await c.run(chunk);
      c.ns += process.hrtime.bigint() - started;
      const used = process.cpuUsage(cpu);
      c.cpu = (c.cpu ?? 0) + used.user + used.system;
    }
    done += chunk.reduce((sum, a) => sum + a.events.length, 0);
    if (done >= nextReport || done === total) {
      nextReport += total / 10;
      const rates = contenders.map((c) => `${c.name} ${fmt(perSec(done, c.ns))}/s`).join(', ');
      progress(`${label}: ${fmt(done)} events — ${rates}`);
    }
  }
  const perCpu = contenders.map((c) => `${c.name} ${fmt(cpuRate(total, c))}`).join(', ');
  progress(`${label} per CPU second: ${perCpu}`);
}

const viaPort = (store: EventStore) => async (chunk: readonly Append[]) => {
  for (const a of chunk) {
    const expectedRevision = a.firstRevision === 0 ? 'no_stream' : a.firstRevision - 1;
    await store.appendToStream(a.stream, a.events, { expectedRevision });
  }
};

const viaRaw = (raw: RawLog) => async (chunk: readonly Append[]) => {
  for (const a of chunk) raw.append(a.stream, a.events, a.firstRevision);
};

function sizeMb(dir: string, prefix: string): number {
  let bytes = 0;
  for (const f of readdirSync(dir)) if (f.startsWith(prefix)) bytes += statSync(join(dir, f)).size;
  return Math.round(bytes / 1e6);
}

interface StreamStats {
  count: number;
  lastRevision: number;
  lastType: string;
  /** As the SQLite adapter spells a position (the decimal row id), raw reads included. */
  lastPosition: string;
  firstRecordedAt: string;
  lastRecordedAt: string;
}

function fold(
  stats: Map<string, StreamStats>,
  e: Pick<RecordedEvent, 'stream' | 'revision' | 'type' | 'recordedAt'> & { position: string },
) {
  const s = stats.get(e.stream);
  if (s) {
    s.count += 1;
    s.lastRevision = e.revision;
    s.lastType = e.type;
    s.lastPosition = e.position;
    s.lastRecordedAt = e.recordedAt;
  } else {
    stats.set(e.stream, {
      count: 1,
      lastRevision: e.revision,
      lastType: e.type,
      lastPosition: e.position,
      firstRecordedAt: e.recordedAt,
      lastRecordedAt: e.recordedAt,
    });
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-core-'));
  progress(
    `${fmt(EVENTS)} events over ${fmt(STREAMS)} streams, ${BATCH} per append; files in ${dir}`,
  );
  const sample = makeEvent(0, 0);
  progress(
    `event data ≈ ${JSON.stringify(sample.data).length} bytes, metadata ≈ ${JSON.stringify(sample.metadata).length} bytes`,
  );

  // 1. Batch appends.
  const store = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'port.sqlite') }));
  const raw = new RawLog(join(dir, 'raw.sqlite'), SCHEMA);
  const minimal = new RawLog(join(dir, 'minimal.sqlite'), MINIMAL_SCHEMA);
  const port: Contender = { name: 'port', run: viaPort(store), ns: 0n };
  const rawSame: Contender = { name: 'raw', run: viaRaw(raw), ns: 0n };
  const rawMinimal: Contender = {
    name: 'raw, (stream, revision) index only',
    run: viaRaw(minimal),
    ns: 0n,
  };
  await race('append', EVENTS, BATCH, STREAMS, [port, rawSame, rawMinimal]);
  const appendPerSec = perSec(EVENTS, port.ns);
  const rawInsertPerSec = perSec(EVENTS, rawSame.ns);
  progress(
    `append: port ${fmt(appendPerSec)}/s, raw ${fmt(rawInsertPerSec)}/s, raw with the minimal schema ${fmt(perSec(EVENTS, rawMinimal.ns))}/s; ` +
      `on disk ${sizeMb(dir, 'port.')} / ${sizeMb(dir, 'raw.')} / ${sizeMb(dir, 'minimal.')} MB`,
  );
  minimal.db.close();

  // 2. Rebuild one projection from scratch, and raw reads of the same rows.
  const readModels = new SqliteReadModelStore({ file: join(dir, 'readmodels.sqlite') });
  const runner = new ProjectionRunner(store, readModels, [streamsProjection], { batchSize: 1000 });
  collectGarbage();
  let started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const applied = await runner.rebuild(streamsProjection.name);
  const rebuildNs = process.hrtime.bigint() - started;
  const rebuildCpu = process.cpuUsage(cpuBefore);
  const documents = await readModels.collection(STREAMS_COLLECTION).count();
  if (applied !== EVENTS || documents !== Math.min(STREAMS, Math.ceil(EVENTS / BATCH))) {
    throw new Error(`rebuild applied ${applied} events into ${documents} documents`);
  }
  const rebuildPerSec = perSec(applied, rebuildNs);
  const rebuildCpuShare = (rebuildCpu.user + rebuildCpu.system) / (Number(rebuildNs) / 1000);
  progress(
    `rebuild (ProjectionRunner → sqlite read models): ${fmt(rebuildPerSec)} events/s; ` +
      `per CPU second ${fmt(rebuildPerSec / rebuildCpuShare)} (the process had ${Math.round(rebuildCpuShare * 100)}% of a core)`,
  );
  await readModels.close();

  collectGarbage();
  started = process.hrtime.bigint();
  const portStats = new Map<string, StreamStats>();
  for await (const e of store.readAll()) fold(portStats, e);
  progress(
    `readAll folded into a Map (no read-model writes): ${fmt(perSec(EVENTS, process.hrtime.bigint() - started))} events/s`,
  );

  collectGarbage();
  started = process.hrtime.bigint();
  const rawStats = new Map<string, StreamStats>();
  const page = raw.db
    .prepare(
      `SELECT position, id, stream, revision, type, data, metadata, recorded_at
       FROM events WHERE position > ? ORDER BY position LIMIT 1000`,
    )
    .raw();
  let read = 0;
  for (let after = 0; ;) {
    const rows = page.all(after) as [
      number,
      string,
      string,
      number,
      string,
      string,
      string,
      string,
    ][];
    if (rows.length === 0) break;
    for (const [position, , stream, revision, type, data, metadata, recordedAt] of rows) {
      JSON.parse(data);
      JSON.parse(metadata);
      fold(rawStats, { stream, revision, type, position: String(position), recordedAt });
    }
    read += rows.length;
    after = rows[rows.length - 1][0];
  }
  const rawReadPerSec = perSec(read, process.hrtime.bigint() - started);
  progress(
    `raw read + JSON.parse + fold: ${fmt(rawReadPerSec)} events/s (${rawStats.size} streams)`,
  );
  await store.close();
  raw.db.close();

  // 3. The command-handling pattern.
  collectGarbage();
  progress(`${fmt(W_EVENTS)} events as awaited appends of 2 over ${fmt(W_STREAMS)} streams`);
  const wStore = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'w-port.sqlite') }));
  const wRaw = new RawLog(join(dir, 'w-raw.sqlite'), SCHEMA);
  const wPort: Contender = { name: 'port', run: viaPort(wStore), ns: 0n };
  const wRawSide: Contender = { name: 'raw', run: viaRaw(wRaw), ns: 0n };
  await race('w-append', W_EVENTS, 2, W_STREAMS, [wPort, wRawSide]);
  const wAppendPerSec = perSec(W_EVENTS, wPort.ns);
  const wRawAppendPerSec = perSec(W_EVENTS, wRawSide.ns);

  // Every stream read once, port and raw alternating by blocks of streams.
  const byStream = wRaw.db
    .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? ORDER BY revision`)
    .raw();
  let wReadNs = 0n;
  let wRawReadNs = 0n;
  let wRead = 0;
  let wRawRead = 0;
  for (let block = 0; block * 500 < W_STREAMS; block++) {
    const first = block * 500;
    const last = Math.min(first + 500, W_STREAMS);
    const portSide = async () => {
      const t = process.hrtime.bigint();
      for (let s = first; s < last; s++) wRead += (await wStore.readStream(streamName(s))).length;
      wReadNs += process.hrtime.bigint() - t;
    };
    const rawSide = async () => {
      const t = process.hrtime.bigint();
      for (let s = first; s < last; s++) {
        for (const row of byStream.all(streamName(s)) as EventRow[]) {
          JSON.parse(row[5]);
          JSON.parse(row[6]);
          wRawRead += 1;
        }
      }
      wRawReadNs += process.hrtime.bigint() - t;
    };
    if (block % 2 === 0) {
      await portSide();
      await rawSide();
    } else {
      await rawSide();
      await portSide();
    }
  }
  if (wRead !== W_EVENTS || wRawRead !== W_EVENTS) {
    throw new Error(`read back ${wRead} (port) and ${wRawRead} (raw) of ${W_EVENTS} events`);
  }
  const wReadPerSec = perSec(wRead, wReadNs);
  progress(
    `w-read: port ${fmt(wReadPerSec)} events/s, raw ${fmt(perSec(wRawRead, wRawReadNs))} events/s`,
  );
  await wStore.close();
  wRaw.db.close();

  if (KEEP) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });

  const result = {
    events: EVENTS,
    appendPerSec: Math.round(appendPerSec),
    rawInsertPerSec: Math.round(rawInsertPerSec),
    appendRatio: Math.round((appendPerSec / rawInsertPerSec) * 1000) / 1000,
    rebuildPerSec: Math.round(rebuildPerSec),
    rawReadPerSec: Math.round(rawReadPerSec),
    peakRssMb: peakRssMb(),
    wAppendPerSec: Math.round(wAppendPerSec),
    wRawAppendPerSec: Math.round(wRawAppendPerSec),
    wRatio: Math.round((wAppendPerSec / wRawAppendPerSec) * 1000) / 1000,
    wReadPerSec: Math.round(wReadPerSec),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

/**
 * bench/api: dashboard reads under load. Imports a business of N members (default 10,000)
 * through the real importer (no browser) into the real service (its own process: Nest, HTTP,
 * auth, SQLite stores), then 50 connections for 20 s walk the Unmatched tab by cursor, then
 * the same with searches; in the same run a bare node:http + better-sqlite3 handler answers
 * the same page from the same data laid out as it likes. Last line: one JSON object.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_GENERATED_MANAGER, generateBusiness, startSimulator } from '@app/simulator';
import { arg, medianMs, progress, round, timedFetch } from '../support/measure';
import { BUSINESS, type FromParent, type ToParent } from './protocol';

const members = arg('members', 10_000);
const connections = arg('connections', 50);
const seconds = arg('seconds', 20);
const ADMIN_KEY = 'bench-admin-key-0123456789';
/** 3+ characters, some rare and some common, so that pages are both short and full. */
const TERMS = ['rosa', 'patel', 'mateo.v', 'brown.1', 'corp'];
const ROOT = resolve(__dirname, '..', '..');
/** Where to write a CPU profile of the service during the tab-page load (none when unset). */
const CPU_PROFILE = process.env.BENCH_API_CPU_PROF;

function spawn(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return fork(join(__dirname, script), args, {
    cwd: ROOT,
    env,
    execArgv: ['-r', join(ROOT, 'tools', 'register.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function next<T extends ToParent['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ToParent, { type: T }>> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (message: ToParent) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolvePromise(message as Extract<ToParent, { type: T }>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`child exited (${code}) before ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function tell(child: ChildProcess, message: FromParent): void {
  child.send(message);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Page {
  items: { id: string; name: string }[];
  nextCursor: string | null;
  counts: Record<string, number>;
}

const init = (auth: boolean): RequestInit =>
  auth ? { headers: { authorization: `Bearer ${ADMIN_KEY}` } } : {};

function get(url: string, auth = true): ReturnType<typeof timedFetch> {
  return timedFetch(url, init(auth));
}

function single(label: string, url: string, auth = true): Promise<number> {
  return medianMs(label, url, init(auth), 15);
}

/** The cursor of a page, without parsing its items: the load generator has a core to spare. */
const NEXT_CURSOR = /"nextCursor":(null|"([A-Za-z0-9_-]+)")/;

async function load(
  label: string,
  base: string,
  paths: string[],
  auth: boolean,
): Promise<autocannon.Result> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    headers: auth ? { authorization: `Bearer ${ADMIN_KEY}` } : {},
    requests: [
      {
        method: 'GET',
        setupRequest: (request, context) => {
          const ctx = context as { path?: string; cursor?: string | null; n?: number };
          if (!ctx.path) {
            ctx.n = (ctx.n ?? Math.floor(Math.random() * paths.length)) + 1;
            ctx.path = paths[ctx.n % paths.length];
          }
          request.path = ctx.cursor ? `${ctx.path}&cursor=${ctx.cursor}` : ctx.path;
          return request;
        },
        onResponse: (status, body, context) => {
          const ctx = context as { path?: string; cursor?: string | null };
          const match = status === 200 ? NEXT_CURSOR.exec(body) : null;
          ctx.cursor = match?.[2] ?? null;
          // At the end of a walk, start again on the next term.
          if (!ctx.cursor) ctx.path = undefined;
        },
      },
    ],
  });
  progress(
    `${label}: ${round(result.requests.average, 1)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
  );
  return result;
}

/**
 * A load phase's CPU time in the serving process per answered request (user + system): what
 * a request costs there, whatever else the machine's other jobs take from the wall clock.
 */
async function cpuPerRequest(
  child: ChildProcess,
  label: string,
  run: () => Promise<autocannon.Result>,
): Promise<{ result: autocannon.Result; cpuUs: number }> {
  const cpu = async () => {
    const reply = next(child, 'cpu');
    tell(child, { type: 'cpu' });
    return (await reply).ms;
  };
  const before = await cpu();
  const result = await run();
  const cpuUs = round((((await cpu()) - before) * 1000) / Math.max(1, result.requests.total), 1);
  progress(`${label}: ${cpuUs} µs of CPU per request in the serving process`);
  return { result, cpuUs };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const fixture = generateBusiness({ ...BUSINESS, members });
  const simulator = await startSimulator({ fixture: { businesses: [fixture] } });
  const service = spawn('service.ts', [], {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    ADMIN_API_KEY: ADMIN_KEY,
    SCIM_TOKEN: 'bench-scim-token-0123456789',
    PINTEREST_BASE_URL: simulator.url,
    EVENTSTORE_URL: '',
    MONGO_URL: '',
    // `error` by default: the figure is the serving path's. LOG_LEVEL=log measures it with one
    // JSON line per request written too (the service's own default).
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  });
  let raw: ChildProcess | null = null;
  try {
    const { url } = await next(service, 'ready');
    const connected = await fetch(`${url}/api/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        label: 'bench',
        businessId: fixture.id,
        loginMethod: 'password',
        automationAccount: {
          label: 'bench',
          email: DEFAULT_GENERATED_MANAGER.email,
          password: DEFAULT_GENERATED_MANAGER.password,
        },
      }),
    });
    if (connected.status !== 201)
      throw new Error(`connect: ${connected.status} ${await connected.text()}`);
    const integrationId = ((await connected.json()) as { id: string }).id;
    const imported = next(service, 'imported');
    tell(service, { type: 'import', integrationId, members });
    const { seconds: importSec, events } = await imported;
    progress(`import: ${fixture.members.length} members, ${events} events, ${round(importSec)} s`);

    raw = spawn('raw.ts', [join(dataDir, 'readmodels.sqlite'), integrationId], {
      ...process.env,
    });
    const { url: rawUrl } = await next(raw, 'ready');
    const path = `/api/integrations/${integrationId}/members?tab=unmatched&limit=50`;

    // The bare handler answers what the service answers: the same rows, counts and shape.
    let serviceCursor: string | null = null;
    let rawCursor: string | null = null;
    for (let i = 0; i < 3; i++) {
      const a = JSON.parse(
        (await get(url + path + (serviceCursor ? `&cursor=${serviceCursor}` : ''))).body,
      ) as Page;
      const b = JSON.parse(
        (await get(rawUrl + path + (rawCursor ? `&cursor=${rawCursor}` : ''), false)).body,
      ) as Page;
      if (!isDeepStrictEqual(a.items, b.items) || !isDeepStrictEqual(a.counts, b.counts)) {
        throw new Error(`page ${i + 1}: the bare handler's page differs from the service's`);
      }
      if (!isDeepStrictEqual(Object.keys(a), Object.keys(b))) throw new Error('shapes differ');
      serviceCursor = a.nextCursor;
      rawCursor = b.nextCursor;
    }
    progress('the bare handler and the service answer the same three pages (rows, counts, shape)');

    const firstPage = JSON.parse((await get(url + path)).body) as Page;
    const pageMs = await single('tab page', url + path);
    await single('tab page after a cursor', `${url}${path}&cursor=${firstPage.nextCursor ?? ''}`);
    const searchMs: number[] = [];
    for (const term of TERMS) {
      searchMs.push(
        await single(`search "${term}"`, `${url}${path}&search=${encodeURIComponent(term)}`),
      );
    }
    await single('search, 2 characters ("ro")', `${url}${path}&search=ro`);
    await single('app cards', `${url}/api/integrations`);
    await single('tasks list', `${url}/api/automation-tasks?limit=50`);
    const rawMs = await single('bare handler, tab page', rawUrl + path, false);

    // Disclosed with the figures: a run with MEMBER_PAGE_CACHE_MB=0 measures every page built.
    progress(
      `service's member page cache: ${process.env.MEMBER_PAGE_CACHE_MB ?? '16 (the default)'} MB`,
    );
    if (CPU_PROFILE) {
      const started = next(service, 'profiled');
      tell(service, { type: 'profile', file: resolve(CPU_PROFILE) });
      await started;
    }
    const { result: pages } = await cpuPerRequest(service, 'service, tab pages', () =>
      load('service, tab pages', url, [path], true),
    );
    if (CPU_PROFILE) {
      const written = next(service, 'profiled');
      tell(service, { type: 'profile', file: null });
      await written;
      progress(`CPU profile of the service during the tab pages: ${resolve(CPU_PROFILE)}`);
    }
    const { result: searches } = await cpuPerRequest(service, 'service, searches', () =>
      load(
        'service, searches',
        url,
        TERMS.map((t) => `${path}&search=${encodeURIComponent(t)}`),
        true,
      ),
    );
    const { result: bare } = await cpuPerRequest(raw, 'bare handler, tab pages', () =>
      load('bare handler, tab pages', rawUrl, [path], false),
    );

    const rssReply = next(service, 'rss');
    tell(service, { type: 'rss' });
    const rss = await rssReply;
    progress(`service RSS: ${rss.rssMb} MB now, ${rss.peakRssMb} MB peak`);
    const errors = (r: autocannon.Result) => r.errors + r.timeouts + r.non2xx;
    const searchAvgMs = round(searchMs.reduce((a, b) => a + b, 0) / searchMs.length, 2);
    progress(
      `single requests: tab page ${pageMs} ms, search ${searchAvgMs} ms (mean of the terms' medians), bare handler ${rawMs} ms; service RSS ${rss.peakRssMb} MB peak`,
    );
    const result = {
      members: fixture.members.length,
      reqPerSec: round(pages.requests.average, 1),
      p50Ms: pages.latency.p50,
      p99Ms: pages.latency.p99,
      rawReqPerSec: round(bare.requests.average, 1),
      ratio: round(pages.requests.average / bare.requests.average, 3),
      searchReqPerSec: round(searches.requests.average, 1),
      searchP99Ms: searches.latency.p99,
      errors: errors(pages) + errors(searches) + errors(bare),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (raw) await stop(raw);
    await stop(service);
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

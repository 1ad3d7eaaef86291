/**
 * bench/dashboard: the first load of the members view in headless Chromium, with a business
 * of N members (default 10,000). The simulator generates the business (`POST /__sim/generate`)
 * and the real importer records it (no browser check, as bench/api does); then each round opens
 * a fresh browser context (empty cache, the key already in the tab's sessionStorage, as after
 * signing in) on `/#/apps/<id>/members` and times it until the first page of rows is drawn,
 * counting every byte received on the wire. Last line: one JSON object.
 */
import { rmSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { chromium, type CDPSession } from 'playwright';
import { EventStore } from '@app/eventstore';
import { SnapshotImporter } from '@app/governance';
import { CHROMIUM_ARGS, resolveChromiumPath } from '@app/pinterest';
import { ProjectionRunner } from '@app/projections';
import { DEFAULT_GENERATED_MANAGER, generateBusiness, startSimulator } from '@app/simulator';
import { createApp } from '../../apps/api/src/bootstrap';
import { observedOf } from '../support/observed';
import { arg, peakRssMb, progress, round, timed } from '../support/measure';
import { ADMIN_KEY, benchServiceEnv } from '../support/service-env';

const members = arg('members', 10_000);
const rounds = arg('rounds', 7);
const BUSINESS = {
  businessId: '900000000000000013',
  adAccounts: 200,
  grantsPerMember: 3,
  partners: 5,
  seed: 13,
} as const;
const LIMIT_MS = 1000;
const LIMIT_BYTES = 300 * 1024;

/**
 * Runs in the page before any of its scripts (through the DevTools protocol, so the page's
 * CSP does not apply): the signed-in key, and the instant the first member row is drawn.
 */
const INIT = (key: string) => `
  sessionStorage.setItem('governance.apiKey', ${JSON.stringify(key)});
  new MutationObserver((_, observer) => {
    if (document.querySelector('table.members tbody tr[data-member]')) {
      window.__rowsAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

interface Load {
  ms: number;
  bytes: number;
  requests: number;
  byKind: Record<string, number>;
}

function kindOf(url: string): string {
  const path = new URL(url).pathname;
  if (path === '/') return 'html';
  if (path.endsWith('.js')) return 'js';
  if (path.endsWith('.css')) return 'css';
  if (path.startsWith('/api/')) return 'api';
  return 'other';
}

/** Bytes received per request (headers and body as sent, compressed or not). */
function countBytes(
  cdp: CDPSession,
): () => { bytes: number; requests: number; byKind: Record<string, number> } {
  const urls = new Map<string, string>();
  const byKind: Record<string, number> = {};
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (!url) return;
    requests += 1;
    bytes += e.encodedDataLength;
    const kind = kindOf(url);
    byKind[kind] = (byKind[kind] ?? 0) + e.encodedDataLength;
  });
  return () => ({ bytes, requests, byKind: { ...byKind } });
}

async function main(): Promise<void> {
  const simulator = await startSimulator({ fixture: { businesses: [] } });
  const dataDir = benchServiceEnv('dashboard', simulator.url);
  let app: INestApplication | undefined;
  const browser = await chromium.launch({
    executablePath: resolveChromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const generated = await fetch(`${simulator.url}/__sim/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...BUSINESS, members }),
    });
    if (generated.status !== 200) throw new Error(`generate: ${generated.status}`);
    app = await createApp();
    const { port } = app.getHttpServer().address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    const connected = await fetch(`${url}/api/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        label: 'bench',
        businessId: BUSINESS.businessId,
        loginMethod: 'password',
        automationAccount: {
          label: 'bench',
          email: DEFAULT_GENERATED_MANAGER.email,
          password: DEFAULT_GENERATED_MANAGER.password,
        },
      }),
    });
    if (connected.status !== 201) throw new Error(`connect: ${connected.status}`);
    const integrationId = ((await connected.json()) as { id: string }).id;
    const fixture = generateBusiness({ ...BUSINESS, members });
    const { seconds: importSec } = await timed(async () => {
      await app!.get(SnapshotImporter).import(observedOf(fixture), {
        workspaceId: 'default',
        integrationId,
        actor: 'bench',
        correlationId: 'bench-dashboard',
        causationId: null,
      });
      const head = await app!.get(EventStore).headPosition();
      if (head !== null) await app!.get(ProjectionRunner).waitFor(head, 600_000);
    });
    progress(`import: ${fixture.members.length} members in ${round(importSec)} s`);

    const view = `${url}/#/apps/${integrationId}/members`;
    const load = async (): Promise<Load> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(INIT(ADMIN_KEY));
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const counted = countBytes(cdp);
      await page.goto(view);
      await page.waitForFunction('window.__rowsAt !== undefined', undefined, { timeout: 30_000 });
      const ms = (await page.evaluate('window.__rowsAt')) as number;
      const rows = await page.locator('table.members tbody tr[data-member]').count();
      if (rows !== 50) throw new Error(`expected a first page of 50 rows, saw ${rows}`);
      const tab = await page.getByRole('tab', { name: /Unmatched users/ }).textContent();
      const count = Number(/\((\d+)\)/.exec(tab ?? '')?.[1] ?? 0);
      if (count < members) throw new Error(`the Unmatched users tab says ${tab}`);
      const { bytes, requests, byKind } = counted();
      await context.close();
      return { ms, bytes, requests, byKind };
    };

    // One load to warm the service (its page cache, the JIT) as any earlier visitor would.
    await load();
    const loads: Load[] = [];
    for (let i = 0; i < rounds; i++) {
      const l = await load();
      loads.push(l);
      progress(
        `cold load ${i + 1}: ${round(l.ms, 1)} ms to the first rows, ${l.bytes} bytes in ${l.requests} requests ${JSON.stringify(l.byKind)}`,
      );
    }
    const times = loads.map((l) => l.ms).sort((a, b) => a - b);
    const median = round(times[Math.floor(times.length / 2)], 1);
    const worst = round(times[times.length - 1], 1);
    const bytes = Math.max(...loads.map((l) => l.bytes));
    progress(
      `members view, first load with ${members} members: median ${median} ms, worst ${worst} ms (limit ${LIMIT_MS}); transfer ${bytes} bytes (limit ${LIMIT_BYTES})`,
    );
    const pass = worst < LIMIT_MS && bytes < LIMIT_BYTES;
    progress(pass ? 'PASS' : 'FAIL');
    process.stdout.write(
      `${JSON.stringify({
        members,
        rounds,
        firstLoadMedianMs: median,
        firstLoadWorstMs: worst,
        transferBytes: bytes,
        requests: loads[0].requests,
        bytesByKind: loads[0].byKind,
        limitMs: LIMIT_MS,
        limitBytes: LIMIT_BYTES,
        pass,
        importSec: round(importSec),
        peakRssMb: peakRssMb(),
      })}\n`,
    );
    if (!pass) process.exitCode = 1;
  } finally {
    await browser.close();
    await app?.close();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

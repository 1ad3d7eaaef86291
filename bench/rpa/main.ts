/**
 * `npm run bench:rpa -- --members N [--ad-accounts 100] [--removals 50] [--concurrency 2]`
 *
 * Starts the simulator in-process, generates a business, then times a full snapshot and a
 * series of removals through the Playwright gateway in headless Chromium. The last line is
 * JSON: {"members","snapshotSec","membersPerSec","removalMedianMs","removalP95Ms","peakRssMb"}.
 * peakRssMb is the whole process tree: this Node process (simulator + Playwright driver) and
 * the Chromium processes it started, sampled every 250 ms.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createPlaywrightGateway } from '@app/pinterest';
import { DEFAULT_GENERATED_MANAGER, seededRandom, startSimulator } from '@app/simulator';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
}

/**
 * Memory of this process and its descendants (Linux /proc; just this process elsewhere).
 * Proportional set size, so the libraries Chromium's processes share count once.
 */
function treeRssBytes(): number {
  try {
    const parent = new Map<number, number>();
    const rss = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const status = readFileSync(`/proc/${entry}/status`, 'utf8');
        const ppid = /^PPid:\s+(\d+)/m.exec(status);
        parent.set(Number(entry), Number(ppid?.[1] ?? 0));
        const rollup = readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8');
        const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
        rss.set(Number(entry), Number(pss?.[1] ?? 0) * 1024);
      } catch {
        // The process ended while we looked.
      }
    }
    let total = 0;
    for (const [pid, bytes] of rss) {
      for (let p = pid; p > 1; p = parent.get(p) ?? 0) {
        if (p === process.pid) {
          total += bytes;
          break;
        }
      }
    }
    return total;
  } catch {
    return process.memoryUsage().rss;
  }
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const members = arg('members', 2000);
  const adAccounts = arg('ad-accounts', 100);
  const removals = arg('removals', 50);
  const concurrency = arg('concurrency', 2);
  const businessId = '729090764583391194';
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-rpa-'));

  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, treeRssBytes());
  }, 250);
  const sim = await startSimulator({ port: 0 });
  const trace = arg('trace', 1) === 1;
  const gateway = createPlaywrightGateway({ baseUrl: sim.url, dataDir, concurrency, trace });
  try {
    const generated = await fetch(`${sim.url}/__sim/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        businessId,
        members,
        adAccounts,
        grantsPerMember: 2,
        partners: 5,
        seed: 42,
      }),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    console.log(`generated: ${JSON.stringify(generated)}`);

    await gateway.login({ ...DEFAULT_GENERATED_MANAGER });

    const started = performance.now();
    // Phases overlap (people and assets are read by different tabs), so each is shown by
    // when it finished, counted from the start of the snapshot.
    const finished = new Map<string, number>();
    const snapshot = await gateway.fetchSnapshot(businessId, {
      onProgress: (p) => {
        if (p.total === null || p.done >= p.total) {
          finished.set(p.phase, Math.round(performance.now() - started));
        }
      },
    });
    console.log(
      `  phases done at: ${[...finished].map(([phase, ms]) => `${phase} ${ms} ms`).join(', ')}`,
    );
    const snapshotSec = (performance.now() - started) / 1000;
    console.log(
      `snapshot: ${snapshot.members.length} members, ${snapshot.assets.length} assets, ` +
        `${snapshot.grants.length} grants, ${snapshot.partners.length} partners in ` +
        `${snapshotSec.toFixed(2)} s; warnings: ${snapshot.warnings.length}`,
    );

    // The same people every run: the seed picks them among everyone but the automation account.
    const random = seededRandom(7);
    const candidates = snapshot.members.filter((m) => m.email !== DEFAULT_GENERATED_MANAGER.email);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(removals, candidates.length)) {
      chosen.add(candidates[Math.floor(random() * candidates.length)]!.id);
    }
    const times: number[] = [];
    for (const id of chosen) {
      const t = performance.now();
      const result = await gateway.removeMember(businessId, id);
      times.push(performance.now() - t);
      if (result.outcome !== 'removed')
        throw new Error(`expected ${id} removed, got ${result.outcome}`);
    }
    times.sort((a, b) => a - b);
    const logged = sim.state.log.filter((e) => e.action === 'remove_member').length;
    console.log(`removals: ${times.length}, ${logged} in the simulator's log`);

    const result = {
      members: snapshot.members.length,
      snapshotSec: Number(snapshotSec.toFixed(2)),
      membersPerSec: Math.round(snapshot.members.length / snapshotSec),
      removalMedianMs: Math.round(percentile(times, 0.5)),
      removalP95Ms: Math.round(percentile(times, 0.95)),
      peakRssMb: Math.round(Math.max(peakRss, treeRssBytes()) / 1024 / 1024),
    };
    console.log(JSON.stringify(result));
  } finally {
    clearInterval(sampler);
    await gateway.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

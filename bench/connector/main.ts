/**
 * bench/connector: the two gateways over the same simulator business, in the same run.
 *
 * `npm run bench:connector -- [--members 10000] [--removals 20] [--concurrency 2]`
 *
 * A snapshot figure is the gateway's read alone (fetchSnapshot), without the import; a removal
 * is the gateway's removeMember including its read-back. Progress lines start with "# "; the
 * last line is one JSON object:
 * {"members","apiSnapshotSec","browserSnapshotSec","apiRemovalMedianMs","browserRemovalMedianMs"}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApiGateway,
  createPlaywrightGateway,
  type BusinessSnapshot,
  type PinterestBusinessGateway,
} from '@app/pinterest';
import { DEFAULT_GENERATED_MANAGER, seededRandom, startSimulator } from '@app/simulator';
import { arg, progress, round, timed } from '../support/measure';

const BUSINESS_ID = '729090764583391195';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

async function removals(
  gateway: PinterestBusinessGateway,
  ids: readonly string[],
): Promise<number[]> {
  const times: number[] = [];
  for (const id of ids) {
    const started = performance.now();
    const result = await gateway.removeMember(BUSINESS_ID, id);
    times.push(performance.now() - started);
    if (result.outcome !== 'removed')
      throw new Error(`expected ${id} removed, got ${result.outcome}`);
  }
  return times;
}

async function main(): Promise<void> {
  const members = arg('members', 10_000);
  const removalCount = arg('removals', 20);
  const concurrency = arg('concurrency', Number(process.env.RPA_CONCURRENCY ?? 2));
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-connector-'));
  const sim = await startSimulator({ port: 0 });
  const browser = createPlaywrightGateway({ baseUrl: sim.url, dataDir, concurrency, trace: false });
  try {
    const generated = await fetch(`${sim.url}/__sim/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        businessId: BUSINESS_ID,
        members,
        adAccounts: 50,
        catalogs: 3,
        grantsPerMember: 2,
        partners: 5,
        seed: 42,
      }),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    progress(`generated: ${JSON.stringify(generated)}`);
    const app = (await fetch(`${sim.url}/__sim/oauth/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        businessId: BUSINESS_ID,
        scopes: ['biz_access:read', 'biz_access:write'],
        userEmail: DEFAULT_GENERATED_MANAGER.email,
      }),
    }).then((r) => r.json())) as { clientId: string; clientSecret: string; refreshToken: string };
    const api = createApiGateway({ baseUrl: `${sim.url}/v5`, ...app, concurrency });
    await api.login();
    await browser.login({ ...DEFAULT_GENERATED_MANAGER });

    const apiSnapshot = await timed(() => api.fetchSnapshot(BUSINESS_ID));
    const describe = (s: BusinessSnapshot) =>
      `${s.members.length} members, ${s.assets.length} assets, ${s.grants.length} grants, complete ${s.complete}`;
    progress(`api snapshot: ${describe(apiSnapshot.value)} in ${apiSnapshot.seconds.toFixed(2)} s`);
    const browserSnapshot = await timed(() => browser.fetchSnapshot(BUSINESS_ID));
    progress(
      `browser snapshot: ${describe(browserSnapshot.value)} in ${browserSnapshot.seconds.toFixed(2)} s`,
    );

    // Different people for each adapter, the same every run.
    const random = seededRandom(7);
    const candidates = apiSnapshot.value.members
      .filter((m) => m.email !== DEFAULT_GENERATED_MANAGER.email)
      .map((m) => m.id);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(2 * removalCount, candidates.length)) {
      chosen.add(candidates[Math.floor(random() * candidates.length)]!);
    }
    const ids = [...chosen];
    const apiTimes = await removals(api, ids.slice(0, removalCount));
    const browserTimes = await removals(browser, ids.slice(removalCount));
    const logged = sim.state.log.filter((e) => e.action === 'remove_member');
    progress(
      `removals: api ${apiTimes.length} (${logged.filter((e) => e.channel === 'api').length} logged as api), ` +
        `browser ${browserTimes.length} (${logged.filter((e) => e.channel === 'ui').length} logged as ui)`,
    );
    console.log(
      JSON.stringify({
        members: apiSnapshot.value.members.length,
        apiSnapshotSec: round(apiSnapshot.seconds, 2),
        browserSnapshotSec: round(browserSnapshot.seconds, 2),
        apiRemovalMedianMs: Math.round(median(apiTimes)),
        browserRemovalMedianMs: Math.round(median(browserTimes)),
      }),
    );
  } finally {
    await browser.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

/**
 * bench/audit: the audit reads on a long log. A business of 10,000 members imported through
 * the real importer, then member events appended in rounds (one event per member per round,
 * permission and role changes that a check would record) until the log holds 200,000 events;
 * one member gets 1,000 of them. Every projection catches up, then the reads run in-process
 * through the real services (no HTTP): a member's whole history, access on an asset at an
 * instant half-way through the log, a tab page as of that instant, and a 10,000-row access
 * export. Last line: one JSON object.
 */
import { rmSync } from 'node:fs';
import type { AssetPermission, BusinessRole } from '@app/domain';
import { EventStore, type NewEvent, type StreamWrite } from '@app/eventstore';
import {
  AuditService,
  BUSINESS_READER,
  EvidenceExports,
  IntegrationsService,
  MEMBERS,
  type MemberDoc,
  PinterestBusinessReader,
  SnapshotImporter,
} from '@app/governance';
import { READ_MODEL_STORE } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { DEFAULT_GENERATED_MANAGER, generateBusiness } from '@app/simulator';
import { benchAppContext } from '../support/app-context';
import { arg, peakRssMb, progress, round, timed } from '../support/measure';
import { observedOf } from '../support/observed';

const memberCount = arg('members', 10_000);
const totalEvents = arg('events', 200_000);
const hotEvents = arg('hot', 1_000);
const runs = arg('runs', 5);

const caller = {
  workspaceId: 'default',
  actor: 'bench',
  credentialId: 'bench',
  correlationId: 'bench-audit',
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function medianMs(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(work)).seconds * 1000);
  return round(median(times), 1);
}

interface MemberState {
  id: string;
  role: BusinessRole;
  assetId: string;
  perms: AssetPermission[];
}

/** The next drift a check would record for this member: permissions, then role, in turn. */
function nextEvent(m: MemberState, integrationId: string, step: number): NewEvent {
  const metadata = {
    workspaceId: 'default',
    actor: 'pinterest',
    correlationId: `bench-round-${step}`,
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
  if (step % 2 === 0) {
    const from = m.perms;
    const to: AssetPermission[] = from.includes('CAMPAIGN_MANAGER')
      ? from.filter((p) => p !== 'CAMPAIGN_MANAGER')
      : ([...from, 'CAMPAIGN_MANAGER'] as AssetPermission[]).sort();
    m.perms = to;
    return {
      type: 'MemberAssetPermissionsChanged',
      data: { memberId: m.id, integrationId, assetId: m.assetId, from, to },
      metadata,
    };
  }
  const from = m.role;
  const to: BusinessRole = from === 'manager' ? 'employee' : 'manager';
  m.role = to;
  return {
    type: 'MemberBusinessRoleChanged',
    data: { memberId: m.id, integrationId, from, to },
    metadata,
  };
}

async function main(): Promise<void> {
  const { app, dataDir } = await benchAppContext('audit', false, (dataDir) => ({
    provide: BUSINESS_READER,
    // Never called: the snapshot is handed to the importer.
    useFactory: () => new PinterestBusinessReader({ baseUrl: 'http://127.0.0.1:9', dataDir }),
  }));
  try {
    const events = app.get(EventStore);
    const runner = app.get(ProjectionRunner);
    const readModels = app.get<ReadModelStore>(READ_MODEL_STORE);
    const fixture = generateBusiness({
      businessId: '900000000000000099',
      members: memberCount,
      adAccounts: 200,
      grantsPerMember: 3,
      partners: 5,
      seed: 99,
    });
    const integration = await app.get(IntegrationsService).connect(caller, {
      label: 'bench',
      businessId: fixture.id,
      loginMethod: 'password',
      automationAccount: {
        label: 'bench',
        email: DEFAULT_GENERATED_MANAGER.email,
        password: DEFAULT_GENERATED_MANAGER.password,
      },
    });
    const integrationId = integration.id;
    const imported = await timed(async () => {
      await app.get(SnapshotImporter).import(observedOf(fixture), {
        workspaceId: 'default',
        integrationId,
        actor: 'bench',
        correlationId: 'bench-import',
        causationId: null,
      });
      await runner.waitFor(await events.headPosition(), 900_000);
    });
    progress(`import of ${memberCount} members projected in ${round(imported.seconds)} s`);

    const states: MemberState[] = [];
    let cursor: string | undefined;
    do {
      const page = await readModels.collection<MemberDoc>(MEMBERS).find({
        where: { integrationId, tab: 'unmatched' },
        sort: [{ field: 'name' }],
        limit: 1000,
        cursor,
      });
      for (const d of page.items) {
        const [assetId, perms] = Object.entries(d.assets)[0] ?? [];
        if (assetId) states.push({ id: d.id, role: d.businessRole, assetId, perms: [...perms] });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    let appended = 0;
    for await (const _e of events.readAll()) appended++;
    const hot = states[0];
    const rounds = Math.ceil((totalEvents - appended - hotEvents) / states.length);
    let midInstant = '';
    const written = await timed(async () => {
      for (let r = 0; r < rounds && appended < totalEvents; r++) {
        for (let i = 0; i < states.length; i += 1000) {
          const writes: StreamWrite[] = [];
          for (const m of states.slice(i, i + 1000)) {
            if (appended >= totalEvents) break;
            const batch = [nextEvent(m, integrationId, r)];
            // The hot member's thousand events are spread over the rounds.
            if (m === hot) {
              const extra = Math.ceil(hotEvents / rounds);
              for (let k = 1; k < extra; k++) batch.push(nextEvent(m, integrationId, r + k));
            }
            writes.push({ stream: `member-${m.id}`, events: batch, expectedRevision: 'any' });
            appended += batch.length;
          }
          if (writes.length) await events.appendToStreams(writes);
        }
        if (r === Math.floor(rounds / 2)) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          midInstant = new Date().toISOString();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    });
    progress(
      `${appended} events in the log (${rounds} rounds) written in ${round(written.seconds)} s`,
    );
    const projected = await timed(async () =>
      runner.waitFor(await events.headPosition(), 1_800_000),
    );
    progress(`every projection caught up in ${round(projected.seconds)} s`);

    const audit = app.get(AuditService);
    let hotTotal = 0;
    const historyMs = await medianMs(async () => {
      let page = await audit.memberHistory(caller, integrationId, hot.id, { limit: 500 });
      hotTotal = page.items.length;
      while (page.nextCursor) {
        page = await audit.memberHistory(caller, integrationId, hot.id, {
          limit: 500,
          cursor: page.nextCursor,
        });
        hotTotal += page.items.length;
      }
    });
    progress(`member history: ${hotTotal} events, all pages of 500: ${historyMs} ms`);
    // The busiest asset: the one most members were granted.
    const byAsset = new Map<string, number>();
    for (const m of states) byAsset.set(m.assetId, (byAsset.get(m.assetId) ?? 0) + 1);
    const assetId = [...byAsset.entries()].sort((a, b) => b[1] - a[1])[0][0];
    let accessRows = 0;
    const accessAtMs = await medianMs(async () => {
      const page = await audit.accessAt(caller, integrationId, {
        at: midInstant,
        assetId,
        limit: 500,
      });
      accessRows = page.items.length;
    });
    progress(`access at ${midInstant} on asset ${assetId}: ${accessRows} people, ${accessAtMs} ms`);
    const tabAsOfMs = await medianMs(() =>
      audit.tabAsOf(caller, integrationId, { tab: 'unmatched', asOf: midInstant, limit: 50 }),
    );
    progress(`unmatched tab as of ${midInstant}, first page of 50: ${tabAsOfMs} ms`);
    const exported = await timed(() =>
      app.get(EvidenceExports).create(caller, {
        kind: 'access_at',
        params: { integrationId },
        format: 'csv',
      }),
    );
    const rows =
      (await readModels.collection<MemberDoc>(MEMBERS).count({ integrationId, tab: 'unmatched' })) +
      5;
    progress(
      `access export on the business (~${rows} rows incl. partner people): ${exported.value.bytes} bytes in ${round(exported.seconds)} s`,
    );
    process.stdout.write(
      JSON.stringify({
        members: memberCount,
        events: appended,
        hotMemberEvents: hotTotal,
        projectSec: round(projected.seconds, 1),
        historyMs,
        accessAtMs,
        tabAsOfMs,
        exportSec: round(exported.seconds, 2),
        peakRssMb: peakRssMb(),
      }) + '\n',
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});

/**
 * bench/sync: how fast a check imports a business and how cheap a no-change re-check is.
 * (a) the snapshot handed to the import in-process (no browser); (b) the same business read
 * from the simulator through Chromium. Last line: one JSON object.
 */
import { rmSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { EventStore, type Position } from '@app/eventstore';
import {
  BUSINESS_READER,
  IntegrationsService,
  PinterestBusinessReader,
  SnapshotImporter,
} from '@app/governance';
import { ProjectionRunner } from '@app/projections';
import { generateBusiness, DEFAULT_GENERATED_MANAGER, startSimulator } from '@app/simulator';
import { benchAppContext } from '../support/app-context';
import { arg, peakRssMb, progress, round, timed } from '../support/measure';
import { observedOf } from '../support/observed';

const members = arg('members', 10_000);
const adAccounts = arg('ad-accounts', 200);
const grantsPerMember = arg('grants', 3);

async function withService<T>(
  baseUrl: string,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const { app, dataDir } = await benchAppContext('sync', false, (dataDir) => ({
    provide: BUSINESS_READER,
    useFactory: () => new PinterestBusinessReader({ baseUrl, dataDir }),
  }));
  try {
    return await work(app);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const fixture = generateBusiness({
    businessId: '900000000000000042',
    members,
    adAccounts,
    grantsPerMember,
    partners: 5,
    seed: 42,
  });
  const snapshot = observedOf(fixture);
  const caller = {
    workspaceId: 'default',
    actor: 'bench',
    credentialId: 'bench',
    correlationId: 'bench-sync',
  };
  const manager = {
    email: DEFAULT_GENERATED_MANAGER.email,
    password: DEFAULT_GENERATED_MANAGER.password,
  };
  const simulator = await startSimulator({ fixture: { businesses: [fixture] } });

  try {
    // (a) in-process
    const a = await withService(simulator.url, async (app) => {
      const events = app.get(EventStore);
      const runner = app.get(ProjectionRunner);
      const integration = await app.get(IntegrationsService).connect(caller, {
        label: 'bench',
        businessId: fixture.id,
        loginMethod: 'password',
        automationAccount: { label: 'bench', ...manager },
      });
      const importer = app.get(SnapshotImporter);
      const ctx = {
        workspaceId: 'default',
        integrationId: integration.id,
        actor: 'bench',
        correlationId: 'bench',
        causationId: null,
      };
      const head0 = await events.headPosition();
      const first = await timed(async () => {
        const decided = await timed(() => importer.import(snapshot, ctx));
        const projected = await timed(async () =>
          runner.waitFor(await events.headPosition(), 600_000),
        );
        progress(
          `import: events appended in ${round(decided.seconds)} s, read models caught up ${round(projected.seconds)} s later`,
        );
      });
      const head1 = await events.headPosition();
      // Positions are opaque: count the import's events by reading after the old head.
      const countEvents = async (after: Position | null, categories?: string[]) => {
        let n = 0;
        for await (const _e of events.readAll({
          after: after ?? undefined,
          filter: categories ? { categories } : {},
        }))
          n += 1;
        return n;
      };
      const importEvents = (await countEvents(head0)) - (await countEvents(head1));
      progress(`import: ${members} members, ${importEvents} events in ${round(first.seconds)} s`);
      const countMemberEvents = () => countEvents(head1, ['member']);
      const recheck = await timed(async () => {
        await importer.import(snapshot, ctx);
        await runner.waitFor(await events.headPosition(), 600_000);
      });
      const recheckMemberEvents = await countMemberEvents();
      progress(`re-check: ${round(recheck.seconds)} s, ${recheckMemberEvents} member events`);
      return {
        importSec: first.seconds,
        importEvents,
        recheckSec: recheck.seconds,
        recheckMemberEvents,
      };
    });

    // (b) through the simulator and Chromium
    const b = await withService(simulator.url, async (app) => {
      const events = app.get(EventStore);
      const runner = app.get(ProjectionRunner);
      const integration = await app.get(IntegrationsService).connect(caller, {
        label: 'bench-browser',
        businessId: fixture.id,
        loginMethod: 'password',
        automationAccount: { label: 'bench', ...manager },
      });
      const reader = app.get<PinterestBusinessReader>(BUSINESS_READER);
      const run = await timed(async () => {
        const observed = await reader.readBusiness(manager, fixture.id);
        await app.get(SnapshotImporter).import(observed, {
          workspaceId: 'default',
          integrationId: integration.id,
          actor: 'bench',
          correlationId: 'bench',
          causationId: null,
        });
        await runner.waitFor(await events.headPosition(), 600_000);
        return observed.members.length;
      });
      await reader.close();
      progress(`browser import: ${run.value} members in ${round(run.seconds)} s`);
      return { browserImportSec: run.seconds };
    });

    const result = {
      members,
      importSec: round(a.importSec),
      importEvents: a.importEvents,
      recheckSec: round(a.recheckSec),
      recheckMemberEvents: a.recheckMemberEvents,
      browserImportSec: round(b.browserImportSec),
      peakRssMb: peakRssMb(),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await simulator.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

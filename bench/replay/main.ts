/**
 * bench/replay: what keeping a check's snapshot costs and how long `replay` takes, on a
 * generated business: a first check (everyone discovered), then a second check after drift
 * (a tenth of the members' roles changed). The check runs through the real process manager
 * with a reader that hands the snapshot in (no browser); replay is the CLI's code, in-process.
 * Last line: one JSON object.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ObservedBusiness } from '@app/domain';
import { EventStore } from '@app/eventstore';
import {
  BUSINESS_READER,
  type BusinessReader,
  FileSnapshotStore,
  IntegrationsService,
  replaySync,
  snapshotsDir,
} from '@app/governance';
import { generateBusiness, DEFAULT_GENERATED_MANAGER } from '@app/simulator';
import { benchAppContext } from '../support/app-context';
import { arg, peakRssMb, progress, round, timed } from '../support/measure';
import { observedOf } from '../support/observed';

const members = arg('members', 10_000);

async function main(): Promise<void> {
  const fixture = generateBusiness({
    businessId: '900000000000000043',
    members,
    adAccounts: 200,
    grantsPerMember: 3,
    partners: 5,
    seed: 43,
  });
  let current: ObservedBusiness = observedOf(fixture);
  const reader: BusinessReader = { readBusiness: async () => current };
  const { app, dataDir } = await benchAppContext('replay', true, () => ({
    provide: BUSINESS_READER,
    useValue: reader,
  }));
  const caller = {
    workspaceId: 'default',
    actor: 'bench',
    credentialId: 'bench',
    correlationId: 'bench',
  };
  const integrations = app.get(IntegrationsService);
  const integration = await integrations.connect(caller, {
    label: 'bench',
    businessId: fixture.id,
    loginMethod: 'password',
    automationAccount: {
      label: 'bench',
      email: DEFAULT_GENERATED_MANAGER.email,
      password: DEFAULT_GENERATED_MANAGER.password,
    },
  });
  const check = async (): Promise<{ taskId: string; seconds: number }> => {
    const run = await timed(async () => {
      const { taskId } = await integrations.checkForUpdates(caller, integration.id, 'web_app', {
        confirmDepartures: false,
      });
      for (;;) {
        const task = await integrations.task(caller, taskId).catch(() => null);
        if (task && (task.status === 'completed' || task.status === 'not_completed')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return taskId;
    });
    return { taskId: run.value, seconds: run.seconds };
  };
  try {
    const first = await check();
    progress(`first check: ${members} members in ${round(first.seconds)} s`);
    current = {
      ...current,
      members: current.members.map((m, i) =>
        i % 10 === 1
          ? { ...m, businessRole: m.businessRole === 'manager' ? 'employee' : 'manager' }
          : m,
      ),
    };
    const second = await check();
    progress(`drift check: ${round(second.seconds)} s`);
    const files = readdirSync(snapshotsDir(dataDir)).map((f) =>
      statSync(join(snapshotsDir(dataDir), f)),
    );
    const live = app.get(EventStore);
    const snapshots = new FileSnapshotStore(snapshotsDir(dataDir));
    const r1 = await timed(() =>
      replaySync(live, snapshots, first.taskId, { safeguardPercent: 20 }),
    );
    progress(
      `replay first: ${r1.value.recorded.length} events, identical ${r1.value.identical}, ${round(r1.seconds)} s`,
    );
    const r2 = await timed(() =>
      replaySync(live, snapshots, second.taskId, { safeguardPercent: 20 }),
    );
    progress(
      `replay drift: ${r2.value.stateBefore.events} events copied, ${r2.value.recorded.length} compared, identical ${r2.value.identical}, ${round(r2.seconds)} s`,
    );
    const result = {
      members,
      snapshotJsonBytes: r1.value.snapshot.bytes,
      snapshotGzBytes: Math.max(...files.map((f) => f.size)),
      firstCheckSec: round(first.seconds),
      replayFirstSec: round(r1.seconds),
      replayFirstEvents: r1.value.recorded.length,
      replayDriftSec: round(r2.seconds),
      replayDriftCopied: r2.value.stateBefore.events,
      replayDriftEvents: r2.value.recorded.length,
      identical: r1.value.identical && r2.value.identical,
      peakRssMb: peakRssMb(),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

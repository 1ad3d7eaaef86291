import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@app/eventstore';
import {
  digestCollection,
  ProjectionRunner,
  verifyProjections,
  workerLeaseStatus,
  type Projection,
} from '@app/projections';
import type { LeaseStore, ReadModelStore } from '@app/readmodels';

/**
 * One line per projection: its checkpoint and lag, and whether the service runs it. The CLI
 * runs no projection itself; the service runs them in the process that holds the worker
 * lease, so `running` means that lease is live, and `runner` names its holder and last beat
 * (kept, with `stopped`, after a holder has released it or stopped renewing it).
 */
export async function projectionsStatusCommand(
  runner: ProjectionRunner,
  leases: LeaseStore,
  out: (line: string) => void,
): Promise<number> {
  const { running, runner: holder } = await workerLeaseStatus(leases);
  for (const lag of await runner.status()) {
    out(JSON.stringify({ ...lag, state: running ? 'running' : 'stopped', runner: holder }));
  }
  return 0;
}

/** Drops and replays; prints a digest of each collection so two rebuilds can be compared. */
export async function projectionsRebuildCommand(
  runner: ProjectionRunner,
  readModels: ReadModelStore,
  target: string,
  out: (line: string) => void,
): Promise<number> {
  const projections = target === 'all' ? runner.projections : [runner.get(target)];
  for (const projection of projections) {
    const started = Date.now();
    const events = await runner.rebuild(projection.name);
    const collections = [];
    for (const spec of projection.collections)
      collections.push(await digestCollection(readModels, spec.name));
    out(
      JSON.stringify({
        projection: projection.name,
        events,
        ms: Date.now() - started,
        collections,
      }),
    );
  }
  return 0;
}

/**
 * Rebuilds every projection into a scratch SQLite store and compares it with the live read
 * models; exit 1 with the differing ids on any difference.
 */
export async function projectionsVerifyCommand(
  events: EventStore,
  live: ReadModelStore,
  openScratch: (file: string) => Promise<ReadModelStore>,
  projections: readonly Projection[],
  out: (line: string) => void,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  const scratch = await openScratch(join(dir, 'scratch.sqlite'));
  try {
    const results = await verifyProjections(events, live, scratch, projections);
    let differing = 0;
    for (const r of results) {
      differing += r.differences.length;
      out(
        JSON.stringify({
          projection: r.projection,
          checkpoint: r.checkpoint,
          documents: r.documents,
          ok: r.differences.length === 0,
          ...(r.stable
            ? {}
            : {
                note: 'the live read model kept changing during the comparison; stop the service for an exact answer',
              }),
          differences: r.differences.slice(0, 100),
          ...(r.differences.length > 100 ? { moreDifferences: r.differences.length - 100 } : {}),
        }),
      );
    }
    return differing === 0 ? 0 : 1;
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

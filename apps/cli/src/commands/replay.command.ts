import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Environment } from '@app/config';
import { createEventStore, type EventStore, SQLITE_EVENTS_FILE } from '@app/eventstore';
import { openEventStore, openPersonalData, upcasters } from '@app/infrastructure';
import {
  type ComparedEvent,
  replaySync,
  SnapshotAltered,
  SnapshotMissing,
  type SnapshotStore,
} from '@app/governance';

/**
 * The live log, for reading only. EventStoreDB is only read. The SQLite file is never opened
 * by the adapter (which sets its pragmas and schema version on open, a write): the replay reads
 * a private copy. While a process has the log open (its `-wal` exists) the copy is SQLite's
 * online backup through a read-only connection, a consistent snapshot that writes nothing but
 * the readers' marks in the shared-memory index every WAL reader uses; otherwise (the service
 * stopped) a plain copy of the file, which leaves every file of DATA_DIR as it was.
 */
export async function openLiveLogForReading(
  env: Environment,
): Promise<{ events: EventStore; dispose(): Promise<void> }> {
  if (env.EVENTSTORE_URL) {
    const events = openEventStore(env);
    return { events, dispose: () => events.close() };
  }
  const live = join(env.DATA_DIR, SQLITE_EVENTS_FILE);
  if (!existsSync(live)) throw new Error(`no event store at ${live}`);
  const dir = mkdtempSync(join(tmpdir(), 'replay-log-'));
  const copy = join(dir, SQLITE_EVENTS_FILE);
  try {
    if (existsSync(`${live}-wal`)) {
      const db = new Database(live, { readonly: true, fileMustExist: true });
      try {
        await db.backup(copy);
      } finally {
        db.close();
      }
    } else {
      copyFileSync(live, copy);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const events = createEventStore({
    dataDir: dir,
    maxEventBytes: env.MAX_EVENT_BYTES,
    upcasters: upcasters(),
    // The copy's personal fields are sealed with the live DATA_DIR's person keys.
    personalData: openPersonalData(env),
  });
  return {
    events,
    async dispose() {
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ReplayArgs {
  taskId: string;
  json: boolean;
  safeguardPercent: number;
}

/**
 * `replay --task ID`: re-runs a check's import of its kept snapshot in a scratch store and
 * sets the events that gives beside the recorded ones. Exit 0 when identical; 1 when they
 * differ or the kept snapshot is missing or altered (the file is named).
 */
export async function replayCommand(
  events: EventStore,
  snapshots: SnapshotStore,
  args: ReplayArgs,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let report;
  try {
    report = await replaySync(events, snapshots, args.taskId, {
      safeguardPercent: args.safeguardPercent,
    });
  } catch (error) {
    if (error instanceof SnapshotMissing || error instanceof SnapshotAltered) {
      if (args.json) {
        out(
          JSON.stringify({
            taskId: args.taskId,
            identical: false,
            error: error.name,
            file: error.location,
            message: error.message,
          }),
        );
      }
      err(error.message);
      return 1;
    }
    throw error;
  }
  if (args.json) {
    out(JSON.stringify(report));
    return report.identical ? 0 : 1;
  }
  out(`task ${report.taskId} (integration ${report.integrationId}), attempt ${report.attempt}`);
  out(
    `snapshot ${report.snapshot.sha256} (${report.snapshot.bytes} bytes) ${report.snapshot.file}`,
  );
  out(
    `state before: the ${report.stateBefore.events} events recorded before position ${report.stateBefore.beforePosition}, in a scratch store`,
  );
  out(`compared: ${report.compared}`);
  if (report.erased) {
    out(
      `snapshot erased at ${report.erased.erasedAt} (${report.erased.personIds.map((id) => `erased-${id}`).join(', ')}): ` +
        `compared with erased fields masked, ${report.erased.maskedFields} field(s) differed only there`,
    );
  }
  const width = Math.max(8, ...report.recorded.map((e) => label(e).length));
  out(`    ${'recorded'.padEnd(width)}   replayed`);
  const rows = Math.max(report.recorded.length, report.replayed.length);
  const differing = new Set(report.differences.map((d) => d.index));
  for (let i = 0; i < rows; i++) {
    const a = report.recorded[i];
    const b = report.replayed[i];
    out(
      `${differing.has(i) ? '!=' : '  '}  ${(a ? label(a) : '-').padEnd(width)}   ${b ? label(b) : '-'}`,
    );
  }
  if (report.identical) {
    out(`identical: ${report.recorded.length} events`);
    return 0;
  }
  out(`DIFFERENT: ${report.differences.length} of ${rows} events differ`);
  for (const d of report.differences) {
    out(`#${d.index} recorded: ${JSON.stringify(d.recorded)}`);
    out(`#${d.index} replayed: ${JSON.stringify(d.replayed)}`);
  }
  return 1;
}

function label(e: ComparedEvent): string {
  return `${e.type} ${e.stream} (${e.actor})`;
}

import { parseArgs } from 'node:util';
import { InvalidPosition, type EventStore } from '@app/eventstore';
import {
  allProjections,
  enforceErasures,
  FileSnapshotStore,
  NotReplayable,
  snapshotsDir,
} from '@app/governance';
import {
  loadEnvironment,
  openEventStore,
  openPersonalData,
  openReadModelStore,
  personalDataOf,
} from '@app/infrastructure';
import { ProjectionRunner, workerLeaseStatus } from '@app/projections';
import { createReadModelStore } from '@app/readmodels';
import { eventsCommand } from './commands/events.command';
import {
  projectionsRebuildCommand,
  projectionsStatusCommand,
  projectionsVerifyCommand,
} from './commands/projections.command';
import { pinterestSnapshotCommand } from './commands/pinterest-snapshot';
import { openLiveLogForReading, replayCommand } from './commands/replay.command';
import { exportsVerifyCommand } from './commands/exports.command';
import {
  withAccessService,
  workspacesCreateCommand,
  workspacesListCommand,
} from './commands/workspaces.command';
import { migrateEncryptPersonalData } from './commands/migrate.command';

const USAGE = `usage: npm run cli -- <command>
  events [--from POS] [--category C] [--type T] [--stream S] [--workspace ID] [--limit N]
      --from POS: only events AFTER position POS (exclusive), as printed in an earlier line
      --workspace ID: only that workspace's events
  workspaces create --name NAME (prints { workspaceId, adminKey, scimToken }: the secrets, once)
  workspaces list               (id, name, createdAt of each; never a credential)
  projections status            (running = the service's worker lease is live; runner = its holder)
  projections rebuild <name|all>
  projections verify
  exports verify FILE           (recompute an evidence export from the log; exit 1 if a byte differs)
  pinterest snapshot --base-url URL --business-id ID --email E --password-env VAR
  migrate encrypt-personal-data (stop the service first: seals the personal fields of events
      written before encryption into a verified copy of the log, which replaces the old file)
  replay --task ID [--json]     (re-run a check's import of its kept snapshot in a scratch store;
      exit 0 when its events equal the recorded ones, 1 when not or the snapshot is missing/altered)`;

const out = (line: string): void => void process.stdout.write(line + '\n');
// `npm run cli -- events | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

class UsageError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--from` as this store spells positions, checked before any line is printed. */
function positionArg(events: EventStore, text: string): string {
  try {
    return events.parsePosition(text);
  } catch (error) {
    if (error instanceof InvalidPosition) throw new UsageError(`--from: ${error.message}`);
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'pinterest' && sub === 'snapshot') {
    const { values } = parseArgs({
      args: rest,
      options: {
        'base-url': { type: 'string' },
        'business-id': { type: 'string' },
        email: { type: 'string' },
        'password-env': { type: 'string' },
      },
    });
    for (const required of ['base-url', 'business-id', 'email', 'password-env'] as const) {
      if (!values[required]) throw new UsageError(`--${required} is required`);
    }
    return pinterestSnapshotCommand(
      {
        baseUrl: values['base-url'] as string,
        businessId: values['business-id'] as string,
        email: values.email as string,
        passwordEnv: values['password-env'] as string,
      },
      out,
    );
  }
  if (command === 'replay') {
    const { values } = parseArgs({
      args: argv.slice(1),
      options: { task: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (!values.task || !UUID.test(values.task))
      throw new UsageError('--task must be an automation task id (a UUID)');
    const env = loadEnvironment();
    // Only the live log is read (never opened for writing); the live read models are not needed.
    const live = await openLiveLogForReading(env);
    try {
      return await replayCommand(
        live.events,
        new FileSnapshotStore(snapshotsDir(env.DATA_DIR)),
        {
          taskId: values.task,
          json: values.json === true,
          safeguardPercent: env.IMPORT_SAFEGUARD_PERCENT,
        },
        out,
        (line) => void process.stderr.write(line + '\n'),
      );
    } catch (error) {
      if (error instanceof NotReplayable) throw new UsageError(error.message);
      throw error;
    } finally {
      await live.dispose();
    }
  }
  if (command === 'workspaces') {
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' } } });
      if (!values.name?.trim()) throw new UsageError('--name is required');
      const name = values.name;
      return withAccessService((access) => workspacesCreateCommand(access, name, out));
    }
    if (sub === 'list') {
      parseArgs({ args: rest, options: {} });
      return withAccessService((access) => workspacesListCommand(access, out));
    }
    throw new UsageError(`unknown workspaces command "${sub ?? ''}"`);
  }
  if (command === 'migrate') {
    if (sub !== 'encrypt-personal-data')
      throw new UsageError(`unknown migrate command "${sub ?? ''}"`);
    const env = loadEnvironment();
    if (env.EVENTSTORE_URL)
      throw new UsageError(
        'migrate encrypt-personal-data rewrites the embedded SQLite log; EventStoreDB logs are written encrypted from the start',
      );
    // The swap replaces the file under a running service, whose later appends would be lost:
    // a live worker lease (any process running projections) stops it here.
    const stores = await openReadModelStore(env);
    try {
      const { running, runner } = await workerLeaseStatus(stores.leases);
      if (running)
        throw new Error(
          `the service is running on this data directory (worker ${runner?.host ?? '?'} pid ${runner?.pid ?? '?'}): stop it first`,
        );
    } finally {
      await stores.close();
    }
    const encryption = openPersonalData(env);
    try {
      return await migrateEncryptPersonalData(env.DATA_DIR, encryption, out);
    } finally {
      encryption.close();
    }
  }
  if (command !== 'events' && command !== 'projections' && command !== 'exports')
    throw new UsageError(`unknown command "${command ?? ''}"`);

  const env = loadEnvironment();
  const events = openEventStore(env);
  // As the service does at start: a restored key store must not let a rebuild read the erased.
  // `projections status` reads checkpoints and leases only: no event is opened.
  const keys = personalDataOf(events)?.keys;
  if (keys && !(command === 'projections' && sub === 'status')) await enforceErasures(events, keys);
  const readModels = await openReadModelStore(env);
  try {
    if (command === 'events') {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: {
          from: { type: 'string' },
          category: { type: 'string' },
          type: { type: 'string' },
          stream: { type: 'string' },
          workspace: { type: 'string' },
          limit: { type: 'string' },
        },
      });
      return await eventsCommand(
        events,
        {
          from: values.from === undefined ? undefined : positionArg(events, values.from),
          limit: positiveInt('limit', values.limit),
          category: values.category,
          type: values.type,
          stream: values.stream,
          workspace: values.workspace,
        },
        out,
      );
    }
    const projections = allProjections();
    const runner = new ProjectionRunner(events, readModels, projections, {
      batchSize: env.PROJECTION_BATCH_SIZE,
    });
    if (command === 'exports') {
      if (sub !== 'verify' || !rest[0]) throw new UsageError('exports verify needs a FILE');
      return await exportsVerifyCommand(events, readModels, runner, rest[0], out);
    }
    switch (sub) {
      case 'status':
        return await projectionsStatusCommand(runner, readModels.leases, out);
      case 'rebuild':
        if (!rest[0]) throw new UsageError('projections rebuild needs a projection name or "all"');
        return await projectionsRebuildCommand(runner, readModels, rest[0], out);
      case 'verify':
        return await projectionsVerifyCommand(
          events,
          readModels,
          (file) => createReadModelStore({ dataDir: env.DATA_DIR, file }),
          projections,
          out,
        );
      default:
        throw new UsageError(`unknown projections command "${sub ?? ''}"`);
    }
  } finally {
    await readModels.close();
    await events.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  },
);

/**
 * bench/api, the service side: the real API (Nest, HTTP, auth, SQLite stores) in its own
 * process, so that the load generator does not share its event loop. The parent asks it over
 * IPC to import the business through the real importer, and for its RSS.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { INestApplication } from '@nestjs/common';
import { EventStore, type Position } from '@app/eventstore';
import { SnapshotImporter } from '@app/governance';
import { ProjectionRunner } from '@app/projections';
import { generateBusiness } from '@app/simulator';
import { createApp } from '../../apps/api/src/bootstrap';
import { observedOf } from '../support/observed';
import { BUSINESS, type FromParent, type ToParent } from './protocol';

function send(message: ToParent): void {
  process.send?.(message);
}

/** CPU time this process has used (user + system), in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Events recorded after `after` (positions are opaque: counted, never subtracted). */
async function countAfter(events: EventStore, after: Position | null): Promise<number> {
  let n = 0;
  for await (const _ of events.readAll({ after: after ?? undefined })) n += 1;
  return n;
}

async function importBusiness(app: INestApplication, integrationId: string, members: number) {
  const events = app.get(EventStore);
  const started = process.hrtime.bigint();
  const head0 = await events.headPosition();
  await app.get(SnapshotImporter).import(observedOf(generateBusiness({ ...BUSINESS, members })), {
    workspaceId: 'default',
    integrationId,
    actor: 'bench',
    correlationId: 'bench-api',
    causationId: null,
  });
  const head = await events.headPosition();
  if (head !== null) await app.get(ProjectionRunner).waitFor(head, 600_000);
  send({
    type: 'imported',
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    events: await countAfter(events, head0),
  });
}

/**
 * A CPU profile of this process over one load phase (`--cpu-prof` would also take the import
 * and the start): started with the file to write, stopped and written with `file: null`.
 */
let profiling: { session: Session; file: string } | null = null;

async function profile(file: string | null): Promise<void> {
  if (file !== null) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    profiling = { session, file };
  } else if (profiling) {
    const { profile: taken } = await profiling.session.post('Profiler.stop');
    writeFileSync(profiling.file, JSON.stringify(taken));
    profiling.session.disconnect();
    profiling = null;
  }
  send({ type: 'profiled' });
}

async function main(): Promise<void> {
  const app = await createApp();
  const { port } = app.getHttpServer().address() as { port: number };
  send({ type: 'ready', url: `http://127.0.0.1:${port}` });
  process.on('message', (message: FromParent) => {
    if (message.type === 'import') {
      importBusiness(app, message.integrationId, message.members).catch((error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
        process.exit(1);
      });
    } else if (message.type === 'rss') {
      send({
        type: 'rss',
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
    } else if (message.type === 'cpu') {
      send({ type: 'cpu', ms: cpuMs() });
    } else if (message.type === 'profile') {
      void profile(message.file);
    } else if (message.type === 'stop') {
      void app.close().then(() => process.exit(0));
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

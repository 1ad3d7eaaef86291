/**
 * A worker that appends events and projects them until it is killed. The crash test starts
 * it, kills it with SIGKILL at a random moment and checks the read models afterwards.
 */
import { randomUUID } from 'node:crypto';
import { allProjections } from '@app/governance';
import { loadEnvironment, openEventStore, openReadModelStore } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';

async function main(): Promise<void> {
  const env = loadEnvironment();
  const events = openEventStore(env);
  const readModels = await openReadModelStore(env);
  const runner = new ProjectionRunner(events, readModels, allProjections(), { batchSize: 200 });
  await runner.start();
  await runner.waitFor(await events.headPosition(), 60_000);
  process.stdout.write('ready\n');
  const stopAfter = Number(process.env.CRASH_CHILD_APPENDS ?? 'Infinity');
  for (let i = 0; i < stopAfter; i += 1) {
    const stream = `crashtest-${Math.floor(Math.random() * 50)}`;
    const batch = Array.from({ length: 1 + Math.floor(Math.random() * 20) }, () => ({
      id: randomUUID(),
      type: Math.random() < 0.5 ? 'CrashTestTicked' : 'CrashTestTocked',
      data: { n: i, pad: 'x'.repeat(Math.floor(Math.random() * 300)) },
      metadata: {
        workspaceId: 'crash',
        actor: 'crash-test',
        correlationId: randomUUID(),
        causationId: null,
        occurredAt: new Date().toISOString(),
        schemaVersion: 1,
      },
    }));
    await events.appendToStream(stream, batch, { expectedRevision: 'any' });
    // A steady trickle keeps the log small enough to verify each round quickly.
    await new Promise((r) => setTimeout(r, 2));
  }
  await runner.waitFor(await events.headPosition(), 60_000);
  process.stdout.write('caught-up\n');
  await runner.stop();
  await readModels.close();
  await events.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

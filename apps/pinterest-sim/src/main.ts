import { demoFixture, startSimulator } from '@app/simulator';

/**
 * `npm run sim`: the Business Manager simulator on SIM_HOST:SIM_PORT (default 127.0.0.1:3100),
 * demo data loaded.
 */
async function main(): Promise<void> {
  const port = Number(process.env.SIM_PORT ?? 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SIM_PORT must be a port number, got ${process.env.SIM_PORT}`);
  }
  const sim = await startSimulator({
    port,
    // Loopback unless told otherwise (compose sets 0.0.0.0 so the other containers reach it).
    host: process.env.SIM_HOST || '127.0.0.1',
    fixture: demoFixture(),
  });
  console.log(`Pinterest Business Manager simulator on ${sim.url} (control API under /__sim/)`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

import type { AddressInfo } from 'node:net';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Environment } from '@app/config';
import { AccessService, configureScimHttp, setupOpenApi } from '@app/governance';
import {
  apiValidationPipe,
  checkRequestBodies,
  deferBodyErrors,
  loadEnvironment,
} from '@app/infrastructure';
import { collectProcessMetrics, createLogger, PinoNestLogger } from '@app/observability';
import { AppModule } from './app.module';
import { serveDashboard } from './dashboard';
import { httpObservability } from './http-observability';

/**
 * DATA_DIR and everything in it is for this service's user alone: the stores, the vault,
 * evidence and snapshots hold personal data and secrets. The umask covers files that
 * libraries create (SQLite's -wal and -shm, Chromium's screenshots and traces); the writers
 * also set their modes themselves, for code that runs without this start.
 */
export function restrictDataDir(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // A folder made before this rule is tightened too, when it is this user's own; one owned by
  // someone else (a mount) keeps the mode its owner gave it.
  if (statSync(dataDir).uid === process.getuid?.()) chmodSync(dataDir, 0o700);
}

/** Generated credentials: plain lines on standard output, once, never into the JSON log. */
const printOnce = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * Builds and starts the service; tests call it too, so what they exercise is what runs.
 * `announce` receives the generated credentials that are shown once.
 */
export async function createApp(
  options: { announce?: (line: string) => void; listen?: boolean } = {},
): Promise<INestApplication> {
  // Validate before Nest starts so that a bad value stops the start with one clear message.
  const env = loadEnvironment();
  restrictDataDir(env.DATA_DIR);
  const logger = createLogger(env.LOG_LEVEL);
  collectProcessMetrics();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRole(env.SERVICE_ROLE),
    {
      logger: new PinoNestLogger(logger),
      // JSON only (configureScimHttp installs it): a form body must not pass for a command.
      bodyParser: false,
    },
  );
  // Says which framework runs, to anyone; costs a header on every answer.
  app.disable('x-powered-by');
  // First, so that every request is timed and logged, refused ones included.
  app.use(httpObservability(logger));
  configureScimHttp(app);
  app.use(deferBodyErrors);
  serveDashboard(app);
  setupOpenApi(app);
  checkRequestBodies(app);
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();
  await app.init();
  await app.get(AccessService).bootstrap({
    adminApiKey: env.ADMIN_API_KEY,
    scimToken: env.SCIM_TOKEN,
    announce: options.announce ?? printOnce,
  });
  if (options.listen !== false) {
    const { PORT, HOST } = app.get(Environment);
    await app.listen(PORT, HOST);
  }
  return app;
}

/** Where the server really listens, read back from it (the port chosen for PORT=0 included). */
export function listeningUrl(app: INestApplication): string {
  const address = (app.getHttpServer() as { address(): AddressInfo | string | null }).address();
  if (address === null) throw new Error('the server is not listening');
  if (typeof address === 'string') return address;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export function logListening(app: INestApplication): void {
  new Logger('Bootstrap').log(`listening on ${listeningUrl(app)}`);
}

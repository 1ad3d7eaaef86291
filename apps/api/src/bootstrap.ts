import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Environment } from '@app/config';
import { AccessService, configureScimHttp } from '@app/governance';
import { apiValidationPipe, loadEnvironment } from '@app/infrastructure';
import { AppModule } from './app.module';

/**
 * Builds and starts the service; tests call it too, so what they exercise is what runs.
 * `announce` receives the generated credentials that are shown once.
 */
export async function createApp(
  options: { announce?: (line: string) => void; listen?: boolean } = {},
): Promise<INestApplication> {
  // Validate before Nest starts so that a bad value stops the start with one clear message.
  const env = loadEnvironment();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRole(env.SERVICE_ROLE),
    {
      logger: [env.LOG_LEVEL, 'error', 'warn', 'fatal'],
      bodyParser: true,
    },
  );
  configureScimHttp(app);
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();
  await app.init();
  await app.get(AccessService).bootstrap({
    adminApiKey: env.ADMIN_API_KEY,
    scimToken: env.SCIM_TOKEN,
    announce: options.announce,
  });
  if (options.listen !== false) await app.listen(app.get(Environment).PORT);
  return app;
}

export function logListening(app: INestApplication, url: string): void {
  void app;
  new Logger('Bootstrap').log(`listening on ${url}`);
}

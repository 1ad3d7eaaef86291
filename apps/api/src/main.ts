import 'reflect-metadata';
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Environment } from '@app/config';
import { loadEnvironment } from '@app/infrastructure';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  // Validate before Nest starts so that a bad value stops the start with one clear message.
  const env = loadEnvironment();
  const app = await NestFactory.create(AppModule, { logger: [env.LOG_LEVEL, 'error', 'warn', 'fatal'] as const });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  await app.listen(app.get(Environment).PORT);
  new Logger('Bootstrap').log(`listening on ${await app.getUrl()}`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

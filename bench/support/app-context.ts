import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplicationContext, Module, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { allProjections, GovernanceModule } from '@app/governance';
import { AppConfigModule, PersistenceModule, ProjectionsModule } from '@app/infrastructure';
import { VaultModule } from '@app/vault';

/**
 * The service's modules without HTTP, in this process, on a fresh data folder and the
 * in-process stores; the caller closes the app and removes the folder.
 */
export async function benchAppContext(
  name: string,
  runWorkers: boolean,
  businessReader: (dataDir: string) => Provider,
): Promise<{ app: INestApplicationContext; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  Object.assign(process.env, { DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '' });
  @Module({
    imports: [
      AppConfigModule,
      PersistenceModule,
      VaultModule,
      ProjectionsModule.forRoot({ projections: allProjections(), run: true }),
      GovernanceModule.forRoot({ runWorkers, businessReader: businessReader(dataDir) }),
    ],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  await app.init();
  return { app, dataDir };
}

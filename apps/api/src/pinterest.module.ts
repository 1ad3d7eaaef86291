import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Environment } from '@app/config';
import { BUSINESS_READER, PinterestBusinessReader } from '@app/governance';
import { demoFixture, type RunningSimulator, startSimulator } from '@app/simulator';

export const PINTEREST_BASE_URL = Symbol('PinterestBaseUrl');
const SIMULATOR = Symbol('Simulator');

@Injectable()
class PinterestShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(SIMULATOR) private readonly simulator: RunningSimulator | null,
    @Inject(BUSINESS_READER) private readonly reader: PinterestBusinessReader,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.reader.close();
    await this.simulator?.close();
  }
}

/**
 * Where Business Manager is: PINTEREST_BASE_URL when set; otherwise the local simulator,
 * started here on SIM_HOST:SIM_PORT and seeded with the demo business.
 */
@Global()
@Module({
  providers: [
    {
      provide: SIMULATOR,
      inject: [Environment],
      useFactory: async (env: Environment): Promise<RunningSimulator | null> => {
        if (env.PINTEREST_BASE_URL) return null;
        const simulator = await startSimulator({
          port: env.SIM_PORT,
          host: env.SIM_HOST,
          fixture: demoFixture(),
        });
        new Logger('Pinterest').log(`simulator with the demo business on ${simulator.url}`);
        return simulator;
      },
    },
    {
      provide: PINTEREST_BASE_URL,
      inject: [Environment, SIMULATOR],
      useFactory: (env: Environment, simulator: RunningSimulator | null): string =>
        env.PINTEREST_BASE_URL ?? (simulator as RunningSimulator).url,
    },
    {
      provide: BUSINESS_READER,
      inject: [Environment, PINTEREST_BASE_URL, SIMULATOR],
      useFactory: (env: Environment, baseUrl: string, simulator: RunningSimulator | null) => {
        const logger = new Logger('PinterestGateway');
        return new PinterestBusinessReader({
          baseUrl,
          // The embedded simulator speaks the REST API too; against Pinterest, its default.
          apiBaseUrl: env.PINTEREST_API_BASE_URL ?? (simulator ? `${simulator.url}/v5` : undefined),
          dataDir: env.DATA_DIR,
          concurrency: env.RPA_CONCURRENCY,
          executablePath: env.PLAYWRIGHT_CHROMIUM_PATH,
          logger: { log: (m) => logger.debug(m), warn: (m) => logger.warn(m) },
        });
      },
    },
    PinterestShutdown,
  ],
  exports: [BUSINESS_READER, PINTEREST_BASE_URL],
})
export class PinterestModule {}

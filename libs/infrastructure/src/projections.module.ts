import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Environment } from '@app/config';
import { EventStore } from '@app/eventstore';
import { type Projection, ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { READ_MODEL_STORE } from './persistence.module';

const PROJECTIONS = Symbol('Projections');
const RUN_PROJECTIONS = Symbol('RunProjections');

@Injectable()
class ProjectionLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(RUN_PROJECTIONS) private readonly run: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.run) await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

/**
 * Runs the projections in this process (the worker, or everything-in-one for `npm start`);
 * an API-only process gets the runner for status and lag but does not run it.
 */
@Module({})
export class ProjectionsModule {
  static forRoot(options: { projections: readonly Projection[]; run: boolean }): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      providers: [
        { provide: PROJECTIONS, useValue: options.projections },
        { provide: RUN_PROJECTIONS, useValue: options.run },
        {
          provide: ProjectionRunner,
          inject: [EventStore, READ_MODEL_STORE, PROJECTIONS, Environment],
          useFactory: (
            events: EventStore,
            readModels: ReadModelStore,
            projections: readonly Projection[],
            env: Environment,
          ) => {
            const logger = new Logger('Projections');
            return new ProjectionRunner(events, readModels, projections, {
              batchSize: env.PROJECTION_BATCH_SIZE,
              logger: { log: (m) => logger.log(m), error: (m) => logger.error(m) },
            });
          },
        },
        ProjectionLifecycle,
      ],
      exports: [ProjectionRunner],
    };
  }
}

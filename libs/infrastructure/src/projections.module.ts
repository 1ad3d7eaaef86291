import {
  type BeforeApplicationShutdown,
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
import {
  LeaseKeeper,
  type LeasedWorker,
  leaseHolder,
  type Projection,
  ProjectionRunner,
} from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { READ_MODEL_STORE } from './persistence.module';

const PROJECTIONS = Symbol('Projections');
const RUN_PROJECTIONS = Symbol('RunProjections');

/** Start order of the leased workers: read models first, then what reacts to events. */
export const WORKER_ORDER = { projections: 0, processManagers: 1, scheduler: 2 } as const;

/**
 * At most one process runs the projections, the sagas and the scheduled check: the one that
 * holds the worker lease in the read-model store (see LeaseKeeper). Each of them registers
 * here; this process runs them only while it holds the lease. An API-only process takes no
 * lease and runs none of them.
 */
@Injectable()
export class WorkerLease implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly keeper: LeaseKeeper | null;
  private readonly workers: { order: number; worker: LeasedWorker }[] = [];

  constructor(
    @Inject(READ_MODEL_STORE) readModels: ReadModelStore,
    @Inject(RUN_PROJECTIONS) run: boolean,
    env: Environment,
  ) {
    const logger = new Logger('WorkerLease');
    this.keeper = run
      ? new LeaseKeeper(
          readModels.leases,
          leaseHolder(env.SERVICE_ROLE),
          () => this.workers.map((w) => w.worker),
          { logger: { log: (m) => logger.log(m), error: (m) => logger.error(m) } },
        )
      : null;
  }

  /** Call from a constructor: the lease is first tried once every provider exists. */
  register(order: number, worker: LeasedWorker): void {
    this.workers.push({ order, worker });
    this.workers.sort((a, b) => a.order - b.order);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.keeper?.start();
  }

  /** Before the stores close (they close on application shutdown), so the release lands. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.keeper?.stop();
  }
}

@Injectable()
class ProjectionLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    lease: WorkerLease,
  ) {
    lease.register(WORKER_ORDER.projections, {
      name: 'projections',
      start: () => runner.start(),
      stop: () => runner.stop(),
    });
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
        WorkerLease,
        ProjectionLifecycle,
      ],
      exports: [ProjectionRunner, WorkerLease],
    };
  }
}

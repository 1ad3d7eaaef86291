import { type DynamicModule, Module } from '@nestjs/common';
import type { Environment } from '@app/config';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import {
  allProjections,
  DirectoryModule,
  GovernanceModule,
  GraphqlApiModule,
} from '@app/governance';
import {
  ApiExceptionFilter,
  AppConfigModule,
  PersistenceModule,
  ProjectionsModule,
} from '@app/infrastructure';
import { VaultModule } from '@app/vault';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { PinterestModule } from './pinterest.module';
import { ReadinessProbe } from './readiness';
import { StatusController } from './status.controller';

/**
 * The service. `all` (what `npm start` runs) is everything in one process; `api` and `worker`
 * split it for production: any number of stateless API processes, and the worker that runs
 * the projections, the sagas and the daily check.
 */
@Module({})
export class AppModule {
  static forRole(role: Environment['SERVICE_ROLE']): DynamicModule {
    const runWorkers = role !== 'api';
    return {
      module: AppModule,
      imports: [
        AppConfigModule,
        PersistenceModule,
        VaultModule,
        ProjectionsModule.forRoot({ projections: allProjections(), run: runWorkers }),
        PinterestModule,
        DirectoryModule,
        GovernanceModule.forRoot({ runWorkers }),
        GraphqlApiModule,
        DiscoveryModule,
      ],
      controllers: [HealthController, StatusController, MetricsController],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }, ReadinessProbe],
    };
  }
}

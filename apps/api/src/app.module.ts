import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { allProjections, DirectoryModule, GovernanceModule } from '@app/governance';
import {
  ApiExceptionFilter,
  AppConfigModule,
  PersistenceModule,
  ProjectionsModule,
} from '@app/infrastructure';
import { VaultModule } from '@app/vault';
import { HealthController } from './health.controller';
import { PinterestModule } from './pinterest.module';

/** Everything in one process: the embedded default that `npm start` runs. */
@Module({
  imports: [
    AppConfigModule,
    PersistenceModule,
    VaultModule,
    CqrsModule.forRoot(),
    ProjectionsModule.forRoot({ projections: allProjections(), run: true }),
    PinterestModule,
    DirectoryModule,
    GovernanceModule.forRoot({ runWorkers: true }),
  ],
  controllers: [HealthController],
  providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
export class AppModule {}

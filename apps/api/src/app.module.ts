import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  allProjections,
  AppConfigModule,
  PersistenceModule,
  ProjectionsModule,
} from '@app/infrastructure';
import { HealthController } from './health.controller';

/** Everything in one process: the embedded default that `npm start` runs. */
@Module({
  imports: [
    AppConfigModule,
    PersistenceModule,
    CqrsModule.forRoot(),
    ProjectionsModule.forRoot({ projections: allProjections(), run: true }),
  ],
  controllers: [HealthController],
})
export class AppModule {}

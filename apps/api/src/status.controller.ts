import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { EventStore } from '@app/eventstore';
import { ApiKeyAuth, ApiKeyGuard, RequiresRole } from '@app/governance';
import { READ_MODEL_STORE, WorkerLease } from '@app/infrastructure';
import { ProjectionRunner, workerLeaseStatus } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';

const STATUS: SchemaObject = {
  type: 'object',
  required: ['status', 'eventStore', 'readModelStore', 'headPosition', 'projections', 'workers'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    eventStore: { type: 'string', enum: ['sqlite', 'eventstoredb'] },
    readModelStore: { type: 'string', enum: ['sqlite', 'mongodb'] },
    headPosition: { type: 'string', nullable: true, description: 'opaque; null: empty log' },
    projections: { type: 'array', items: { type: 'object', additionalProperties: true } },
    workers: { type: 'object', additionalProperties: true },
  },
};

/** What an operator checks first: which stores, how far behind each projection is, who runs them. */
@ApiTags('status')
@ApiKeyAuth()
@Controller('api')
@UseGuards(ApiKeyGuard)
export class StatusController {
  constructor(
    private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly lease: WorkerLease,
  ) {}

  @Get('status')
  @RequiresRole('auditor')
  @ApiOkResponse({ schema: STATUS })
  async status() {
    return {
      status: 'ok',
      eventStore: this.events.kind,
      readModelStore: this.readModels.kind,
      headPosition: await this.events.headPosition(),
      projections: await this.projections.status(),
      // The projections' states above are this process's; the workers may run in another one.
      workers: {
        ...(await workerLeaseStatus(this.readModels.leases)),
        here: this.lease.keeper?.isRunning ?? false,
      },
    };
  }
}

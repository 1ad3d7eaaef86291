import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { ReadinessProbe } from './readiness';

const LIVE: SchemaObject = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
};
const READY: SchemaObject = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ready'] } },
};
const UNREADY: SchemaObject = {
  type: 'object',
  required: ['status', 'reason'],
  properties: {
    status: { type: 'string', enum: ['unready'] },
    reason: {
      type: 'string',
      description: 'which store does not answer, or which projections lag',
    },
  },
};

interface StatusResponse {
  status(code: number): unknown;
}

/**
 * Unauthenticated, for load balancers and orchestrators: no positions in the answer. Only the
 * process that runs the projections counts their lag, at most READY_MAX_LAG + 1 events each,
 * one count at a time, reused for a second. The detailed status is GET /api/status.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessProbe) {}

  /** The process answers HTTP: nothing else is asked, so a slow store never restarts it. */
  @Get('live')
  @ApiOkResponse({ schema: LIVE })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({
    schema: READY,
    description: 'stores answer; projections here within READY_MAX_LAG',
  })
  @ApiResponse({ status: 503, schema: UNREADY })
  ready(@Res({ passthrough: true }) res: StatusResponse) {
    return this.answer(res);
  }

  /** Kept for the probes that already ask it: the same answer as /health/ready. */
  @Get()
  @ApiOkResponse({ schema: READY, description: 'the same as /health/ready' })
  @ApiResponse({ status: 503, schema: UNREADY })
  health(@Res({ passthrough: true }) res: StatusResponse) {
    return this.answer(res);
  }

  private async answer(res: StatusResponse) {
    const readiness = await this.readiness.check();
    if (readiness.ready) return { status: 'ready' };
    res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unready', reason: readiness.reason };
  }
}

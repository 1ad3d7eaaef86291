import { timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Headers,
  Logger,
  Res,
  UnauthorizedException,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Environment } from '@app/config';
import { ConsumerGroup, ErrorBodyModel } from '@app/governance';
import { consumerQueueDepth, metricsRegistry, projectionLag } from '@app/observability';
import { ProjectionRunner } from '@app/projections';

/**
 * Counting lag past this tells an operator nothing more (GET /api/status counts further) and
 * costs reads at every scrape, most when a projection is rebuilding.
 */
const LAG_CAP = 10_000;

interface TextResponse {
  setHeader(name: string, value: string): unknown;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Prometheus' text format. Counters and histograms are kept as things happen; lag and queue
 * depths are counted from the stores at a scrape (up to LAG_CAP events per projection and
 * consumer while they lag, one count at a time), and a request to the API costs nothing.
 */
@ApiTags('health')
@Controller()
export class MetricsController implements OnModuleInit {
  private groups: ConsumerGroup[] = [];
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly env: Environment,
    private readonly projections: ProjectionRunner,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    this.groups = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is ConsumerGroup => instance instanceof ConsumerGroup);
  }

  @Get('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    schema: { type: 'string' },
    description: 'Prometheus text format; with METRICS_TOKEN set, only for that bearer token',
  })
  @ApiResponse({
    status: 401,
    description: 'METRICS_TOKEN is set and was not sent',
    type: ErrorBodyModel,
  })
  async metrics(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: TextResponse,
  ): Promise<string> {
    const token = this.env.METRICS_TOKEN;
    if (token) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!given || !sameSecret(given, token)) {
        throw new UnauthorizedException('Authorization: Bearer <METRICS_TOKEN> is required');
      }
    }
    try {
      await this.readGauges();
    } catch (error) {
      // The counters and histograms still tell; the gauges are left out rather than wrong.
      projectionLag.reset();
      consumerQueueDepth.reset();
      this.logger.warn(`lag not read: ${error instanceof Error ? error.name : 'error'}`);
    }
    res.setHeader('content-type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }

  /** Scrapes that arrive while a count runs share it. */
  private reading: Promise<void> | null = null;

  private readGauges(): Promise<void> {
    this.reading ??= this.countGauges().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async countGauges(): Promise<void> {
    const lags = await this.projections.eventsBehind(LAG_CAP);
    projectionLag.reset();
    for (const { name, eventsBehind } of lags)
      projectionLag.set({ projection: name }, eventsBehind);
    consumerQueueDepth.reset();
    for (const group of this.groups) {
      for (const { consumer, depth } of await group.queueDepths(LAG_CAP)) {
        consumerQueueDepth.set({ group: group.group, consumer }, depth);
      }
    }
  }
}

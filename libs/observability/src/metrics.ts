import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's metrics, in one registry that `/metrics` serves. Every metric is created
 * here, once per process: prom-client refuses a second metric of the same name, and several
 * apps started in one process (the tests) share these.
 */
export const metricsRegistry = new Registry();

let processMetrics = false;

/** prom-client's process metrics (CPU, memory, event loop lag, GC), registered once. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

const registers = [metricsRegistry];

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by route template (not the raw URL), method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

export const projectionLag = new Gauge({
  name: 'projection_lag_events',
  help: 'Matching events in the log after the projection checkpoint (capped), read at scrape',
  labelNames: ['projection'] as const,
  registers,
});

export const consumerQueueDepth = new Gauge({
  name: 'consumer_queue_depth_events',
  help: 'Matching events after a durable consumer (saga) checkpoint (capped), read at scrape',
  labelNames: ['group', 'consumer'] as const,
  registers,
});

export const pinterestActionDuration = new Histogram({
  name: 'pinterest_action_duration_seconds',
  help: 'Calls to Pinterest by connector (browser, api), kind and outcome (observed, or the failure kind)',
  labelNames: ['connector', 'kind', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers,
});

export const checkDuration = new Histogram({
  name: 'check_duration_seconds',
  help: 'Checks for updates, from the request being handled to its outcome, by connector and result',
  labelNames: ['connector', 'result'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
  registers,
});

export const smtpDeliveries = new Histogram({
  name: 'smtp_delivery_duration_seconds',
  help: 'Messages handed to the SMTP server, by outcome (sent, transient_failure, permanent_failure)',
  labelNames: ['outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});

/** Seconds since `started` (a `performance.now()` reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

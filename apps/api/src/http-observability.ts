import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { type Caller, CORRELATION_HEADER, correlationOf } from '@app/governance';
import { httpRequestDuration, secondsSince } from '@app/observability';

interface ObservedRequest extends IncomingMessage {
  /** Express's matched route: its template, e.g. /api/integrations/:id. */
  route?: { path: string | string[] };
  caller?: Caller;
  originalUrl?: string;
}

/** Served by middleware rather than a routed handler, so Express keeps no route for them. */
const MOUNTED = ['/graphql', '/api/docs'];
/** Probes and scrapes, asked every few seconds: at debug level, not info. */
const QUIET = /^\/(health(\/|$)|metrics$)/;

const pathOf = (req: ObservedRequest): string => (req.originalUrl ?? req.url ?? '/').split('?')[0];

/** The route's template, never the raw URL: ids in paths would make a series per resource. */
function routeOf(req: ObservedRequest): string {
  const path = req.route?.path;
  if (path !== undefined) return Array.isArray(path) ? path.join('|') : path;
  const url = pathOf(req);
  return MOUNTED.find((prefix) => url === prefix || url.startsWith(`${prefix}/`)) ?? 'unmatched';
}

/**
 * One Express middleware for every request: it fixes the request's correlation id (the auth
 * guard reads it back from the header, so the log line and the events share it), times the
 * request into http_request_duration_seconds, and writes one JSON line when it ends.
 */
export function httpObservability(
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const levelOf = (req: ObservedRequest, res: ServerResponse, error?: unknown) => {
    const quiet = QUIET.test(pathOf(req));
    // An unready probe is news, not an error of this request: the reason is in its body.
    const failed = error || res.statusCode >= 500;
    const level = failed ? (quiet ? 'warn' : 'error') : quiet ? 'debug' : 'info';
    return logger.isLevelEnabled(level) ? level : 'silent';
  };
  // pino-http makes child loggers for every request, logged or not (tens of µs): only worth
  // it when every request is logged. Otherwise only failures are, from the hook below.
  const everyRequest = logger.isLevelEnabled('info');
  const log = everyRequest
    ? pinoHttp<ObservedRequest, ServerResponse>({
        logger,
        genReqId: (req) => req.headers[CORRELATION_HEADER] as string,
        customAttributeKeys: { reqId: 'correlationId', responseTime: 'durationMs' },
        // Nothing of the request is bound up front: the line is built once, at the end.
        quietReqLogger: true,
        quietResLogger: true,
        wrapSerializers: false,
        serializers: { req: () => undefined, res: () => undefined },
        customLogLevel: levelOf,
        // The exception filter logs a failure's cause; the request line says what was answered.
        customSuccessObject: (req, res, fields) => lineOf(req, res, fields),
        customErrorObject: (req, res, _error, fields) => lineOf(req, res, fields),
        customSuccessMessage: () => 'request completed',
        customErrorMessage: () => 'request failed',
      })
    : null;
  return (req, res, next) => {
    const started = performance.now();
    req.headers[CORRELATION_HEADER] = correlationOf(req.headers);
    res.once('finish', () => {
      const seconds = secondsSince(started);
      httpRequestDuration.observe(
        { method: req.method ?? 'GET', route: routeOf(req), status: String(res.statusCode) },
        seconds,
      );
      if (log || res.statusCode < 500) return;
      const level = levelOf(req, res);
      if (level === 'silent') return;
      logger[level](
        {
          correlationId: req.headers[CORRELATION_HEADER],
          ...lineOf(req, res, { durationMs: Math.round(seconds * 1000) }),
        },
        'request failed',
      );
    });
    if (log) log(req as ObservedRequest, res, next);
    else next();
  };
}

function lineOf(
  req: ObservedRequest,
  res: ServerResponse,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const caller = req.caller;
  return {
    workspaceId: caller?.workspaceId ?? null,
    actor: caller?.actor ?? null,
    credentialId: caller?.credentialId ?? null,
    method: req.method,
    route: routeOf(req),
    // The path only: a query string may carry an OAuth code or a search for a person.
    path: pathOf(req),
    status: res.statusCode,
    durationMs: fields.durationMs,
    // Kept so that a leak would show, and redacted by path (REDACT_PATHS) when present.
    headers: {
      'user-agent': req.headers['user-agent'],
      ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
      ...(req.headers.cookie !== undefined && { cookie: req.headers.cookie }),
    },
  };
}

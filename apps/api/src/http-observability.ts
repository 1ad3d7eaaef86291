import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
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
const CLIENT_CLOSED = 499;

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
  const levelOf = (req: ObservedRequest, res: ServerResponse) => {
    const quiet = QUIET.test(pathOf(req));
    // An unready probe is news, not an error of this request: the reason is in its body.
    const failed = res.statusCode >= 500;
    const level = failed ? (quiet ? 'warn' : 'error') : quiet ? 'debug' : 'info';
    return logger.isLevelEnabled(level) ? level : null;
  };
  // Not pino-http: it makes two child loggers and a few arrays for every request, logged or
  // not, measured at ~90 µs of CPU a request here (a members read costs ~350 µs in all). One
  // hook at the end does the same: the metric, and the line when its level is on.
  return (req: ObservedRequest, res, next) => {
    const started = performance.now();
    const correlationId = correlationOf(req.headers);
    req.headers[CORRELATION_HEADER] = correlationId;
    // `close`, not `finish`: a request its client gave up on is timed and logged too (as 499,
    // nginx's "client closed request"), or the slowest requests would vanish from p99.
    res.once('close', () => {
      const seconds = secondsSince(started);
      const route = routeOf(req);
      if (!res.writableFinished) res.statusCode = CLIENT_CLOSED;
      httpRequestDuration.observe(
        { method: req.method ?? 'GET', route, status: String(res.statusCode) },
        seconds,
      );
      const level = levelOf(req, res);
      if (level === null) return;
      logger[level](
        { correlationId, ...lineOf(req, res, route, Math.round(seconds * 1000)) },
        res.statusCode >= 500 ? 'request failed' : 'request completed',
      );
    });
    next();
  };
}

function lineOf(
  req: ObservedRequest,
  res: ServerResponse,
  route: string,
  durationMs: number,
): Record<string, unknown> {
  const caller = req.caller;
  return {
    workspaceId: caller?.workspaceId ?? null,
    actor: caller?.actor ?? null,
    credentialId: caller?.credentialId ?? null,
    method: req.method,
    route,
    // The path only: a query string may carry an OAuth code or a search for a person.
    path: pathOf(req),
    status: res.statusCode,
    durationMs,
    // Kept so that a leak would show, and redacted by path (REDACT_PATHS) when present.
    headers: {
      'user-agent': req.headers['user-agent'],
      ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
      ...(req.headers.cookie !== undefined && { cookie: req.headers.cookie }),
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequestException,
  type CallHandler,
  type ExecutionContext,
  HttpException,
  type INestApplication,
  Injectable,
  type NestInterceptor,
  RequestMethod,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { Observable } from 'rxjs';

interface BodyError {
  status: number;
  message: string;
}

interface ParsedRequest extends IncomingMessage {
  body?: unknown;
  bodyError?: BodyError;
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  body?: unknown;
  limit?: unknown;
}

/** What went wrong with a body, without echoing it (it may hold a password). */
function describe(e: BodyParserError): string {
  switch (e.type) {
    case 'entity.parse.failed':
      // body-parser's strict mode refuses a bare `null` as malformed; say what is wanted.
      return typeof e.body === 'string' && e.body.trim() === 'null'
        ? 'the request body must be a JSON object, not null'
        : 'the request body is not valid JSON';
    case 'entity.too.large':
      return `the request body is larger than the limit${typeof e.limit === 'number' ? ` of ${e.limit} bytes` : ''}`;
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return 'the request body must be JSON in UTF-8 (optionally gzip or deflate)';
    default:
      return 'the request body cannot be read';
  }
}

/**
 * Express error middleware, placed after the body parsers: a body that cannot be parsed is
 * noted on the request instead of answered, so that the route's guard still runs first and a
 * caller without a key learns 401, not details about a body it was not allowed to send.
 * `RequestBodyInterceptor` answers the noted error once the guard has let the caller in.
 */
export function deferBodyErrors(
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
): void {
  const e = (typeof error === 'object' && error !== null ? error : {}) as BodyParserError;
  const status = typeof e.status === 'number' ? e.status : 0;
  if (status < 400 || status >= 500 || res.headersSent) {
    next(error);
    return;
  }
  (req as ParsedRequest).bodyError = { status, message: describe(e) };
  next();
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The API takes JSON objects only. Runs after the guards (Nest's order), so authentication is
 * decided before anything about the body is said. /scim/v2 keeps its own error format and
 * checks, and is left alone here.
 */
@Injectable()
export class RequestBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<ParsedRequest>();
      if (!(req.url ?? '').startsWith('/scim/')) this.check(req);
    }
    return next.handle();
  }

  private check(req: ParsedRequest): void {
    if (req.bodyError) {
      const { status, message } = req.bodyError;
      throw new HttpException(
        {
          statusCode: status,
          error:
            status === 413
              ? 'Payload Too Large'
              : status === 415
                ? 'Unsupported Media Type'
                : 'Bad Request',
          message,
        },
        status,
      );
    }
    if (!hasBody(req)) return;
    // Only the JSON parser is installed: a body it did not take is not JSON.
    if (req.body === undefined) {
      throw new UnsupportedMediaTypeException({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'the request body must be JSON (Content-Type: application/json)',
      });
    }
    if (!isPlainObject(req.body)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'the request body must be a JSON object',
      });
    }
  }
}

/** Methods whose body has no meaning (RFC 9110): no route reads one, so none is checked. */
const BODYLESS: ReadonlySet<RequestMethod> = new Set([RequestMethod.GET, RequestMethod.HEAD]);

/**
 * Puts `RequestBodyInterceptor` on every controller route that can take a body, as a
 * `@UseInterceptors` on each would; call it before `app.init()`, which reads the routes.
 * Not global: a route with no interceptor at all is run by Nest without any of the rxjs
 * plumbing interceptors need, and the dashboards' reads (GET) are most of the traffic.
 */
export function checkRequestBodies(app: INestApplication): void {
  const interceptor = new RequestBodyInterceptor();
  const scanner = new MetadataScanner();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const prototype = (metatype as { prototype?: object } | null)?.prototype;
      if (!prototype) continue;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined || BODYLESS.has(method)) continue;
        const own = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
        // The decorators' metadata outlives an app: a second app in one process finds it set.
        if (own.some((i) => i instanceof RequestBodyInterceptor)) continue;
        Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...own], handler);
      }
    }
  }
}

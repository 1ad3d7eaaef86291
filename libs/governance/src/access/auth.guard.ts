import { randomUUID } from 'node:crypto';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CredentialKind } from '@app/domain';
import { AccessService, type Caller } from './access.service';
import { DRY_RUN_ROLE, REQUIRED_ROLE, type Role, roleIncludes } from './roles';

interface HeaderResponse {
  setHeader(name: string, value: string): unknown;
}

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  caller?: Caller;
  /** Express's link to the response (what a GraphQL resolver reaches it by). */
  res?: HeaderResponse;
}

/**
 * The HTTP request behind a REST handler, or behind a GraphQL resolver (its context's `req`):
 * one guard and one caller for both.
 */
function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') {
    return context.getArgByIndex<{ req: AuthenticatedRequest }>(2).req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}

function responseOf(context: ExecutionContext, request: AuthenticatedRequest): HeaderResponse {
  if (context.getType<string>() === 'graphql' && request.res) return request.res;
  return context.switchToHttp().getResponse<HeaderResponse>();
}

export const CORRELATION_HEADER = 'x-correlation-id';

/** A caller's own id is kept only when it is a plain token: it ends up in every event's metadata. */
const SANE_CORRELATION = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The request's correlation: the caller's `x-correlation-id` when sane, else a new one. */
export function correlationOf(headers: AuthenticatedRequest['headers']): string {
  const header = headers[CORRELATION_HEADER];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value && SANE_CORRELATION.test(value) ? value : randomUUID();
}

function bearer(request: AuthenticatedRequest): string | null {
  const header = request.headers['authorization'];
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match ? match[1] : null;
}

@Injectable()
abstract class BearerGuard implements CanActivate {
  protected abstract readonly kind: CredentialKind;
  constructor(private readonly access: AccessService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context);
    // A GraphQL request runs the guard once per root field: one caller, one correlation.
    if (!request.caller) await this.authenticate(context, request);
    this.authorize(context, request, request.caller as Caller);
    return true;
  }

  /** What the caller's role allows; the SCIM token's routes have no roles. */
  protected authorize(
    _context: ExecutionContext,
    _request: AuthenticatedRequest,
    _caller: Caller,
  ) {}

  private async authenticate(
    context: ExecutionContext,
    request: AuthenticatedRequest,
  ): Promise<void> {
    // Echoed before authentication, so that even a refused request can be traced.
    const correlationId = correlationOf(request.headers);
    responseOf(context, request).setHeader(CORRELATION_HEADER, correlationId);
    const token = bearer(request);
    if (!token) throw new UnauthorizedException('Authorization: Bearer <token> is required');
    const caller = await this.access.authenticate(token, this.kind);
    if (!caller) throw new UnauthorizedException('the bearer token is not valid');
    request.caller = { ...caller, correlationId };
  }
}

/** The least role a handler needs: a route without one needs admin (fail closed). */
export function requiredRole(reflector: Reflector, context: ExecutionContext, body: unknown): Role {
  const targets = [context.getHandler(), context.getClass()];
  const dryRun = reflector.getAllAndOverride<Role | undefined>(DRY_RUN_ROLE, targets);
  if (dryRun && typeof body === 'object' && body !== null && 'dryRun' in body) {
    if ((body as { dryRun: unknown }).dryRun === true) return dryRun;
  }
  return reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets) ?? 'admin';
}

/** Every /api route: a workspace's API key, whose role must include the route's. */
@Injectable()
export class ApiKeyGuard extends BearerGuard {
  protected readonly kind = 'api_key' as const;

  constructor(
    access: AccessService,
    private readonly reflector: Reflector,
  ) {
    super(access);
  }

  protected override authorize(
    context: ExecutionContext,
    request: AuthenticatedRequest,
    caller: Caller,
  ): void {
    const held = caller.role ?? 'admin';
    const needed = requiredRole(this.reflector, context, request.body);
    if (roleIncludes(held, needed)) return;
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: `this needs the ${needed} role; the key '${caller.actor}' has the ${held} role`,
      details: { requiredRole: needed, keyRole: held },
    });
  }
}

/** /scim/v2: the workspace's SCIM token. */
@Injectable()
export class ScimTokenGuard extends BearerGuard {
  protected readonly kind = 'scim_token' as const;
}

/** The authenticated caller (workspace and actor) of the request. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const caller = requestOf(context).caller;
    if (!caller) throw new UnauthorizedException('not authenticated');
    return caller;
  },
);

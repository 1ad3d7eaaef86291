import type { ServerResponse } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError, scimTypeOf } from '@app/domain';
import { WrongExpectedRevision } from '@app/eventstore';
import { ERROR_SCHEMA, SCIM_CONTENT_TYPE } from './scim-resources';

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  /** A string, as RFC 7644 §3.12 has it. */
  status: string;
  scimType?: string;
  detail: string;
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  wrong_state: HttpStatus.CONFLICT,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
};

function httpDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

export function scimError(status: number, detail: string, scimType?: string): ScimErrorBody {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}

export function toScimError(exception: unknown): ScimErrorBody {
  if (exception instanceof DomainError) {
    const status = DOMAIN_STATUS[exception.kind];
    const declared = exception.details?.['scimType'];
    const scimType =
      scimTypeOf(exception) ??
      (typeof declared === 'string'
        ? declared
        : status === HttpStatus.BAD_REQUEST
          ? 'invalidValue'
          : undefined);
    return scimError(status, exception.message, scimType);
  }
  if (exception instanceof HttpException)
    return scimError(exception.getStatus(), httpDetail(exception));
  if (exception instanceof WrongExpectedRevision) {
    return scimError(HttpStatus.CONFLICT, 'the user was changed concurrently; try again');
  }
  return scimError(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error');
}

export function sendScimError(response: ServerResponse, body: ScimErrorBody): void {
  response.statusCode = Number(body.status);
  response.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  if (body.status === '401') response.setHeader('WWW-Authenticate', 'Bearer realm="scim"');
  response.end(JSON.stringify(body));
}

/** Every error of the SCIM controllers, guards included, as an RFC 7644 error body. */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Scim');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toScimError(exception);
    if (body.status === '500') {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    sendScimError(host.switchToHttp().getResponse<ServerResponse>(), body);
  }
}

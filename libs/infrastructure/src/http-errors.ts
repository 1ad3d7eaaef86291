import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { DomainError } from '@app/domain';
import { EventTooLarge, InvalidEvent, WrongExpectedRevision } from '@app/eventstore';

/** The API's error body: `{ statusCode, error, message, details? }`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {});
    return [...(own.length ? [{ field, messages: own }] : []), ...flatten(e.children ?? [], field)];
  });
}

/** Validation errors name each field, in `message` and in `details`. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `invalid ${fields.map((f) => f.field).join(', ')}: ${fields.map((f) => f.messages.join('; ')).join('; ')}`,
        details: fields,
      });
    },
  });
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  wrong_state: HttpStatus.CONFLICT,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
};

export function errorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null) {
      const r = response as Record<string, unknown>;
      const message = Array.isArray(r.message)
        ? r.message.join('; ')
        : String(r.message ?? exception.message);
      return {
        statusCode: status,
        error:
          typeof r.error === 'string'
            ? r.error
            : (HttpStatus[status] ?? 'Error').replace(/_/g, ' '),
        message,
        ...(r.details !== undefined ? { details: r.details } : {}),
      };
    }
    return { statusCode: status, error: exception.name, message: String(response) };
  }
  if (exception instanceof DomainError) {
    const status = DOMAIN_STATUS[exception.kind];
    return {
      statusCode: status,
      error: status === 404 ? 'Not Found' : status === 409 ? 'Conflict' : 'Bad Request',
      message: exception.message,
      ...(exception.details ? { details: exception.details } : {}),
    };
  }
  if (exception instanceof WrongExpectedRevision) {
    return {
      statusCode: 409,
      error: 'Conflict',
      message: 'the resource was changed concurrently; try again',
    };
  }
  if (exception instanceof EventTooLarge || exception instanceof InvalidEvent) {
    return { statusCode: 400, error: 'Bad Request', message: exception.message };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'internal error' };
}

/** Every error leaves the API in one shape; an unexpected one is logged, never echoed. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = errorBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    const response = host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>();
    response.status(body.statusCode).json(body);
  }
}

import {
  type ArgumentMetadata,
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  type PipeTransform,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { DomainError } from '@app/domain';
import { EventTooLarge, InvalidEvent, WrongExpectedRevision } from '@app/eventstore';
import { InvalidCursor } from '@app/readmodels';

/** The API's error body: `{ statusCode, error, message, details? }`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

interface FieldError {
  field: string;
  message: string;
}

/** Checks of what a value is: when one fails, the others' messages only restate it. */
const TYPE_CHECKS = ['isObject', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isArray'];
/** Checks that tell a missing or empty value, the clearest word when nothing was given. */
const PRESENCE_CHECKS = ['isDefined', 'minLength', 'arrayNotEmpty', 'arrayMinSize'];

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * The one message that helps: for a missing or empty value the presence check ("reason must
 * not be empty"), for a value of the wrong type the type check, else the first that failed.
 * The rest ("at most 500", "must be a string") would only restate or contradict it.
 */
function mostUseful(error: ValidationError): string | null {
  const constraints = error.constraints ?? {};
  const failed = Object.keys(constraints);
  if (failed.length === 0) return null;
  const order = isMissing(error.value)
    ? [...PRESENCE_CHECKS, ...TYPE_CHECKS]
    : [...TYPE_CHECKS, ...PRESENCE_CHECKS];
  const chosen = order.find((name) => failed.includes(name)) ?? failed[0];
  return constraints[chosen];
}

/** A message that names the field by its full path (`automationAccount.password …`). */
function qualified(message: string, property: string, field: string): string {
  return field !== property && message.startsWith(`${property} `)
    ? `${field}${message.slice(property.length)}`
    : message;
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const message = mostUseful(e);
    return [
      ...(message === null ? [] : [{ field, message: qualified(message, e.property, field) }]),
      ...flatten(e.children ?? [], field),
    ];
  });
}

/**
 * What the pipe would make of a DTO's ordinary value, built by plain checks: the instance, or
 * null for anything it is not sure of (the full pipe then decides, and words any error).
 */
export type PlainCheck<T extends object> = (value: unknown) => T | null;

/** By the DTO's class (Nest's metatype). */
const plainChecks = new Map<unknown, PlainCheck<object>>();

/**
 * For the hot reads (a dashboard's tab pages): class-transformer and class-validator cost more
 * than the page itself. A check must accept only values the DTO's decorators accept, and give
 * the instance they would give.
 */
export function registerPlainCheck<T extends object>(dto: new () => T, check: PlainCheck<T>): void {
  plainChecks.set(dto, check);
}

class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const check = metadata.metatype ? plainChecks.get(metadata.metatype) : undefined;
    const checked = check ? check(value) : null;
    return checked ?? super.transform(value, metadata);
  }
}

/**
 * Validation errors name each field once, with one message, in `message` and in `details`.
 * `plainChecks: false` leaves every value to class-validator (how a test compares the two).
 */
export function apiValidationPipe(options: { plainChecks?: boolean } = {}): ValidationPipe {
  return new (options.plainChecks === false ? ValidationPipe : ApiValidationPipe)({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const seen = new Set<string>();
      const fields = flatten(errors).filter((f) => !seen.has(f.field) && seen.add(f.field));
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `invalid ${fields.map((f) => f.field).join(', ')}: ${[
          ...new Set(fields.map((f) => f.message)),
        ].join('; ')}`,
        details: fields,
      });
    },
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path id that is not a UUID is a malformed request (400 naming the parameter); a
 * well-formed id that names nothing stays the service's 404.
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    const name = metadata.data ?? 'id';
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `${name} must be a UUID`,
        details: { field: name },
      });
    }
    return value;
  }
}

export const uuidParam = new UuidParamPipe();

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
  if (exception instanceof InvalidCursor) {
    return {
      statusCode: 400,
      error: 'Bad Request',
      message: 'cursor is not valid for this query: start again without it',
      details: { field: 'cursor' },
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
    // GraphQL answers its errors itself (formatError maps them with `errorBody` too); what a
    // filter returns there would become the field's value, so hand the error back.
    if (host.getType<string>() !== 'http') throw exception;
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

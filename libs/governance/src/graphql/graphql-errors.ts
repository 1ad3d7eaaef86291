import { Logger } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { errorBody } from '@app/infrastructure';

/** REST's status, as GraphQL's `extensions.code`. */
const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  500: 'INTERNAL_SERVER_ERROR',
};

const logger = new Logger('GraphQL');

/**
 * Every error a resolver throws is answered as REST answers it (`errorBody`: the same message
 * and `details`), with REST's status as `extensions.statusCode` and its name as
 * `extensions.code`; an unexpected one is logged and masked. GraphQL's own errors (syntax,
 * validation, limits) keep their message and code. No stack trace, ever.
 */
export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError) {
    const { code, http: _http, stacktrace: _stack, ...rest } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...rest, code: code ?? 'BAD_REQUEST' } };
  }
  const body = errorBody(original);
  if (body.statusCode >= 500) {
    logger.error(
      original instanceof Error ? (original.stack ?? original.message) : String(original),
    );
  }
  return {
    message: body.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code: CODES[body.statusCode] ?? `HTTP_${body.statusCode}`,
      statusCode: body.statusCode,
      ...(body.details !== undefined ? { details: body.details } : {}),
    },
  };
}

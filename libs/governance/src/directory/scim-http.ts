import type { IncomingMessage, ServerResponse } from 'node:http';
import { scimError, sendScimError } from './scim-errors.filter';

export const SCIM_BASE_PATH = '/scim/v2';
export const SCIM_JSON_TYPES = ['application/json', 'application/scim+json'];

/** What of a Nest Express application this needs; `NestExpressApplication` fits. */
export interface ScimHttpApplication {
  useBodyParser(parser: 'json', options: { type: string[]; limit: string }): unknown;
  use(
    handler: (
      error: unknown,
      req: IncomingMessage,
      res: ServerResponse,
      next: (error?: unknown) => void,
    ) => void,
  ): unknown;
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  message?: unknown;
}

/**
 * Turns body-parser failures on /scim/v2 (malformed JSON, too large, bad charset) into SCIM
 * error bodies; every other path keeps the default handling.
 */
export function scimBodyErrorHandler(
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
): void {
  const e = (typeof error === 'object' && error !== null ? error : {}) as BodyParserError;
  const path = (req.url ?? '').split('?')[0];
  const status = typeof e.status === 'number' ? e.status : 0;
  if (!path.startsWith(`${SCIM_BASE_PATH}/`) || status < 400 || status >= 500 || res.headersSent) {
    next(error);
    return;
  }
  const detail =
    e.type === 'entity.parse.failed'
      ? `the request body is not valid JSON: ${String(e.message)}`
      : typeof e.message === 'string'
        ? e.message
        : 'the request body cannot be read';
  sendScimError(
    res,
    scimError(status, detail, e.type === 'entity.parse.failed' ? 'invalidSyntax' : undefined),
  );
}

/**
 * Call on the Nest app before `listen`/`init`: parses `application/scim+json` as JSON (Okta and
 * Entra ID send it) in place of Nest's default JSON parser, and answers malformed bodies on
 * /scim/v2 in SCIM's error format.
 */
export function configureScimHttp(app: ScimHttpApplication): void {
  app.useBodyParser('json', { type: SCIM_JSON_TYPES, limit: '1mb' });
  app.use(scimBodyErrorHandler);
}

/** The absolute base of resource locations, as the client reached us. */
export function scimBaseUrl(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto =
    (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0].trim() ||
    ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  return `${proto}://${req.headers.host ?? 'localhost'}${SCIM_BASE_PATH}`;
}

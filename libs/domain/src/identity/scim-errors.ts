import { InvalidCommand } from '../shared/errors';

/** The `scimType` values of RFC 7644 §3.12 that a 400 can carry. */
export type ScimErrorType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/**
 * A SCIM request that cannot be applied. It stays an `InvalidCommand` (→ 400 everywhere) and
 * carries the RFC's `scimType` and the attribute at fault in `details`, so the SCIM error
 * body can name both without the domain knowing about HTTP.
 */
export function scimInvalid(
  scimType: ScimErrorType,
  detail: string,
  attribute?: string,
): InvalidCommand {
  return new InvalidCommand(
    detail,
    attribute === undefined ? { scimType } : { scimType, attribute },
  );
}

export function scimTypeOf(error: unknown): ScimErrorType | null {
  if (!(error instanceof InvalidCommand)) return null;
  const scimType = error.details?.['scimType'];
  return typeof scimType === 'string' ? (scimType as ScimErrorType) : null;
}

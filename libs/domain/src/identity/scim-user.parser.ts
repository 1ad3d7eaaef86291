import { checkAttributes, type IdentityPersonalData } from './identity.attributes';
import { scimInvalid } from './scim-errors';
import {
  booleanValue,
  caseInsensitive,
  checkSchemas,
  CORE_USER_SCHEMA,
  emailsValue,
  isPlainObject,
  nameValue,
  optionalString,
  requiredString,
} from './scim-values';

/** A whole User resource from a POST or a PUT. */
export interface ScimUserInput {
  externalId: string | null;
  /** null when the request did not say: a PUT then leaves the status as it is. */
  active: boolean | null;
  personal: IdentityPersonalData;
}

/**
 * Reads a POST or PUT body. Attributes outside our schema (phone numbers, the enterprise
 * extension, `id`, `meta`…) are ignored rather than refused: IdPs send them all the time.
 */
export function parseScimUser(body: unknown): ScimUserInput {
  if (!isPlainObject(body)) {
    throw scimInvalid('invalidSyntax', 'the request body must be a JSON object (a SCIM User)');
  }
  const fields = caseInsensitive(body);
  checkSchemas(fields, CORE_USER_SCHEMA);
  const input: ScimUserInput = {
    externalId: optionalString(fields.get('externalid'), 'externalId'),
    active: fields.get('active') == null ? null : booleanValue(fields.get('active'), 'active'),
    personal: {
      userName: requiredString(fields.get('username'), 'userName'),
      name: nameValue(fields.get('name')),
      displayName: optionalString(fields.get('displayname'), 'displayName'),
      emails: emailsValue(fields.get('emails')),
    },
  };
  checkAttributes({
    externalId: input.externalId,
    active: input.active ?? true,
    personal: input.personal,
  });
  return input;
}

import { CORE_USER_SCHEMA, type IdentityAttributes } from '@app/domain';
import type { IdentityDoc } from './identities.projection';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SERVICE_PROVIDER_CONFIG_SCHEMA =
  'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** Both sources of a user — the stream (by id) and the projection (lists) — render alike. */
export interface IdentityView {
  id: string;
  attributes: IdentityAttributes;
  createdAt: string;
  updatedAt: string;
  revision: number;
}

export function viewOf(doc: IdentityDoc): IdentityView {
  return {
    id: doc.id,
    attributes: {
      externalId: doc.externalId,
      active: doc.active,
      personal: {
        userName: doc.userName,
        name: doc.name,
        displayName: doc.displayName,
        emails: doc.emails,
      },
    },
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    revision: doc.revision,
  };
}

export const versionOf = (revision: number): string => `W/"${revision}"`;

/** Unassigned attributes are left out rather than sent as null (RFC 7643 §2.5). */
function compact<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}

export function toScimUser(view: IdentityView, baseUrl: string): Record<string, unknown> {
  const { externalId, active, personal } = view.attributes;
  const name = compact(personal.name);
  return {
    schemas: [CORE_USER_SCHEMA],
    id: view.id,
    ...(externalId !== null ? { externalId } : {}),
    userName: personal.userName,
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(personal.displayName !== null ? { displayName: personal.displayName } : {}),
    ...(personal.emails.length > 0 ? { emails: personal.emails.map((e) => compact(e)) } : {}),
    active,
    meta: {
      resourceType: 'User',
      created: view.createdAt,
      lastModified: view.updatedAt,
      location: `${baseUrl}/Users/${view.id}`,
      version: versionOf(view.revision),
    },
  };
}

export function listResponse(
  resources: unknown[],
  totalResults: number,
  startIndex: number,
): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

export const MAX_RESULTS = 200;

export function serviceProviderConfig(baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "The workspace's SCIM token in an Authorization: Bearer header",
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function userResourceType(baseUrl: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A person of the corporate directory',
    schema: CORE_USER_SCHEMA,
    schemaExtensions: [],
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  };
}

interface AttributeOptions {
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  uniqueness?: 'none' | 'server' | 'global';
  multiValued?: boolean;
  subAttributes?: Record<string, unknown>[];
  canonicalValues?: string[];
}

function attribute(
  name: string,
  type: 'string' | 'boolean' | 'complex',
  description: string,
  options: AttributeOptions = {},
): Record<string, unknown> {
  return {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description,
    required: options.required ?? false,
    ...(type === 'string' ? { caseExact: options.caseExact ?? false } : {}),
    ...(options.canonicalValues ? { canonicalValues: options.canonicalValues } : {}),
    ...(options.subAttributes ? { subAttributes: options.subAttributes } : {}),
    mutability: options.mutability ?? 'readWrite',
    returned: 'default',
    uniqueness: options.uniqueness ?? 'none',
  };
}

/** The User schema restricted to the attributes the directory keeps; others are accepted and dropped. */
export function userSchema(baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: CORE_USER_SCHEMA,
    name: 'User',
    description: 'User Account',
    attributes: [
      attribute(
        'userName',
        'string',
        'Unique identifier for the User, unique per workspace (case-insensitive).',
        {
          required: true,
          uniqueness: 'server',
        },
      ),
      attribute('externalId', 'string', "The identity provider's identifier for the User.", {
        caseExact: true,
      }),
      attribute('name', 'complex', "The components of the user's name.", {
        subAttributes: [
          attribute('formatted', 'string', 'The full name.'),
          attribute('familyName', 'string', 'The family name.'),
          attribute('givenName', 'string', 'The given name.'),
        ],
      }),
      attribute('displayName', 'string', 'The name of the User, suitable for display.'),
      attribute(
        'emails',
        'complex',
        'Email addresses of the user; every one counts for matching.',
        {
          multiValued: true,
          subAttributes: [
            attribute('value', 'string', 'The email address.', { required: true }),
            attribute('type', 'string', "A label: 'work', 'home', 'other'.", {
              canonicalValues: ['work', 'home', 'other'],
            }),
            attribute('primary', 'boolean', 'The preferred address; at most one.'),
          ],
        },
      ),
      attribute('active', 'boolean', "The User's administrative status; false deprovisions."),
    ],
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${CORE_USER_SCHEMA}` },
  };
}

import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiResponse,
  DocumentBuilder,
  type OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ErrorBodyModel, FieldErrorModel, ScimErrorModel } from './error.models';

export const OPENAPI_UI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs-json';

const ERROR_TEXT: Record<number, string> = {
  400: 'malformed request: a field, a path id or a cursor (named in details)',
  401: 'no valid bearer token',
  403: 'the key’s role does not include the role the route needs (details.requiredRole, details.keyRole)',
  404: 'no such resource in the caller’s workspace',
  409: 'the action does not fit the current state (details.state / details.reason), or a concurrent change',
  410: 'deleted by an erasure (GDPR art. 17): its metadata stays, its content is no longer served',
  413: 'the body is too large',
  415: 'the body is not JSON',
  422: 'refused by Pinterest (e.g. credentials)',
};

/** The error answers of an /api route, all in the API's one error shape. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_TEXT[status], type: ErrorBodyModel }),
    ),
  );
}

/** A controller under the workspace API key: the bearer scheme, and the 401 every route can give. */
export function ApiKeyAuth(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth('api-key'),
    ApiExtraModels(FieldErrorModel),
    ApiResponse({ status: 401, description: ERROR_TEXT[401], type: ErrorBodyModel }),
    ApiResponse({ status: 403, description: ERROR_TEXT[403], type: ErrorBodyModel }),
  );
}

/** /scim/v2: the SCIM token, and SCIM's error shape. */
export function ScimTokenAuth(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth('scim-token'),
    ApiResponse({ status: 401, description: ERROR_TEXT[401], type: ScimErrorModel }),
  );
}

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pinterest access governance')
    .setDescription(
      'Members, assets and permissions of Pinterest Business Manager, matched to the corporate ' +
        'directory; every change is an event. Errors: `{ statusCode, error, message, details? }`. ' +
        'GraphQL is served at /graphql with the same API keys.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'a workspace API key' },
      'api-key',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: "the workspace's SCIM token" },
      'scim-token',
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * `/api/docs-json` (OpenAPI 3) and `/api/docs` (Swagger UI from the installed
 * swagger-ui-dist, nothing from a CDN). Public: they describe the API and hold no data.
 */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => openApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'api/docs-yaml',
    customSiteTitle: 'Pinterest access governance API',
    // Swagger UI would otherwise send the document to validator.swagger.io for a badge.
    swaggerOptions: { validatorUrl: null },
  });
}

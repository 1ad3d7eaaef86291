import { type ServiceHarness, startService } from '../support/service-harness';

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme: string }>;
    schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
  };
}
interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Paths served by the documentation itself and by GraphQL: not REST routes of the service. */
const NOT_REST = [/^\/api\/docs/, /^\/graphql$/];

describe('the OpenAPI document and Swagger UI', () => {
  let svc: ServiceHarness;
  let doc: OpenApiDocument;

  /** Every route Express really serves, from its router: `METHOD /path/{param}`. */
  function servedRoutes(): string[] {
    const express = svc.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
    const routes: string[] = [];
    for (const layer of express.router.stack) {
      if (!layer.route) continue;
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        if (NOT_REST.some((re) => re.test(path))) continue;
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on) routes.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
        }
      }
    }
    return routes.sort();
  }

  function documented(): string[] {
    return Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
  }

  beforeAll(async () => {
    svc = await startService({ businesses: [] });
    const res = await fetch(`${svc.url}/api/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => svc?.close());

  it('is OpenAPI 3 with the two bearer schemes', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes).toMatchObject({
      'api-key': { type: 'http', scheme: 'bearer' },
      'scim-token': { type: 'http', scheme: 'bearer' },
    });
  });

  it('documents every route the service serves, and no route it does not', () => {
    const served = servedRoutes();
    // The router is really read: the routes every release has are there.
    expect(served).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /api/integrations',
        'GET /api/integrations/{id}/members',
        'PUT /api/integrations/{id}/members/{memberId}/asset-permissions',
        'PATCH /scim/v2/Users/{id}',
      ]),
    );
    expect(served.length).toBeGreaterThan(25);
    expect(documented()).toEqual(served);
  });

  it('gives every /api operation the API key, a typed answer and the error shape; every /scim one the SCIM token', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const success = Object.entries(op.responses).filter(([code]) => /^2/.test(code));
        expect({ where, success: success.length > 0 }).toEqual({ where, success: true });
        for (const [code, response] of success) {
          if (code === '204') continue;
          // JSON, or SCIM's application/scim+json
          const schema = Object.values(response.content ?? {})[0]?.schema;
          expect({ where, code, schema: Boolean(schema) }).toEqual({ where, code, schema: true });
        }
        if (path.startsWith('/api/')) {
          expect({ where, security: op.security }).toEqual({
            where,
            security: [{ 'api-key': [] }],
          });
          expect({
            where,
            unauthorized: op.responses['401']?.content?.['application/json'],
          }).toEqual({
            where,
            unauthorized: { schema: { $ref: '#/components/schemas/ErrorBodyModel' } },
          });
        } else if (path.startsWith('/scim/')) {
          expect({ where, security: op.security }).toEqual({
            where,
            security: [{ 'scim-token': [] }],
          });
        }
      }
    }
  });

  it('describes the bodies and query strings from the DTOs', () => {
    const connect = doc.paths['/api/integrations'].post;
    expect(connect.requestBody?.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ConnectIntegrationDto',
    );
    // loginMethod and automationAccount are required with the browser connector only
    expect(doc.components.schemas.ConnectIntegrationDto.required).toEqual(
      expect.arrayContaining(['label', 'businessId']),
    );
    expect(Object.keys(doc.components.schemas.ConnectIntegrationDto.properties ?? {})).toEqual(
      expect.arrayContaining(['connector', 'loginMethod', 'automationAccount', 'oauth']),
    );
    const exempt = doc.paths['/api/integrations/{id}/members/{memberId}/exempt'].post;
    expect(exempt.requestBody?.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ExemptMemberDto',
    );
    expect(Object.keys(exempt.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '409']),
    );
    const members = doc.paths['/api/integrations/{id}/members'].get;
    expect(members.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      ['path:id', 'query:asOf', 'query:cursor', 'query:limit', 'query:search', 'query:tab'].sort(),
    );
    const remove = doc.paths['/api/integrations/{id}/members/{memberId}/remove'].post;
    expect(Object.keys(remove.responses)).toEqual(expect.arrayContaining(['200', '202']));
    expect(doc.components.schemas.MemberModel.properties).toHaveProperty('matchedIdentity');
    // The seams of issues 8 and 9: apply answers 202 or 200 (dry run), content declares its types.
    const apply = doc.paths['/api/integrations/{id}/deprovision-report/apply'].post;
    expect(Object.keys(apply.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '409']),
    );
    const content = doc.paths['/api/exports/{id}/content'].get;
    expect(Object.keys(content.responses['200'].content ?? {}).sort()).toEqual([
      'application/x-ndjson',
      'text/csv',
    ]);
    expect(doc.components.schemas.CreateExportDto.required).toEqual(
      expect.arrayContaining(['kind', 'format']),
    );
    expect(doc.components.schemas.ErrorBodyModel.required).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message']),
    );
  });

  it('serves Swagger UI from the installed package, referencing no other host', async () => {
    const page = await fetch(`${svc.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/swagger-ui/);
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref).not.toMatch(/^(?:[a-z]+:)?\/\//i);
      const asset = await fetch(new URL(ref, `${svc.url}/api/docs/`));
      expect({ ref, status: asset.status }).toEqual({ ref, status: 200 });
      if (ref.endsWith('.js') && /init/.test(ref)) {
        const script = await asset.text();
        // No badge from validator.swagger.io, no URL elsewhere.
        expect(script).toMatch(/"validatorUrl":\s*null/);
        expect(script).not.toMatch(/https?:\/\//);
      }
    }
    // Namespaces of the inline SVG sprite aside, no absolute URL at all.
    expect(html.replace(/http:\/\/www\.w3\.org\/[\w/]+/g, '')).not.toMatch(/https?:\/\//);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

import { startSimulator, type RunningSimulator } from '../server';
import type { SimulatorFixture } from '../types';

const BUSINESS = '100000000000000001';

function fixture(): SimulatorFixture {
  return {
    businesses: [
      {
        id: BUSINESS,
        name: 'Api Test',
        members: [
          {
            id: '900',
            name: 'Automation',
            email: 'auto@t.example',
            role: 'MANAGER',
            password: 'Secret-1234',
          },
          { id: '901', name: 'Ana', email: 'ana@t.example', role: 'EMPLOYEE' },
          { id: '902', name: 'Bo', email: 'bo@t.example', role: 'EMPLOYEE' },
          { id: '903', name: 'Cy', email: 'cy@t.example', role: 'MANAGER' },
        ],
        invites: [{ email: 'pending@t.example', role: 'EMPLOYEE', status: 'PENDING' }],
        assets: [
          { id: '5491', type: 'AD_ACCOUNT', name: 'US Ads' },
          { id: '7001', type: 'PROFILE', name: 'Profile' },
          { id: '8001', type: 'CATALOG', name: 'Products' },
        ],
        grants: [
          { memberId: '901', assetId: '5491', permissions: ['ANALYST'] },
          { memberId: '901', assetId: '8001', permissions: ['CATALOGS_MANAGER'] },
          { memberId: '902', assetId: '7001', permissions: ['PROFILE_PUBLISHER'] },
        ],
        partners: [
          {
            id: '3001',
            name: 'Agency',
            grants: [{ assetId: '8001', permissions: ['CATALOGS_MANAGER'] }],
          },
        ],
      },
    ],
  };
}

/** The kept copy of Pinterest's description: its response schemas judge our answers. */
const description = JSON.parse(
  readFileSync(join(__dirname, 'pinterest-business-access.openapi.json'), 'utf8'),
) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: object;
};

// Ajv knows JSON Schema, not OpenAPI 3.0: a discriminator maps to schemas this slice leaves
// out, and a $ref's siblings (e.g. nullable) are ignored by OpenAPI 3.0 itself.
const asJsonSchema = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(asJsonSchema);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$ref === 'string') return { $ref: o.$ref };
  return Object.fromEntries(
    Object.entries(o)
      .filter(([k]) => k !== 'discriminator')
      .map(([k, x]) => [k, asJsonSchema(x)]),
  );
};

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const components = asJsonSchema(description.components);
const validators = new Map<string, ValidateFunction>();
function responseValidator(method: string, path: string, status = '200'): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  let v = validators.get(key);
  if (!v) {
    const op = description.paths[path]?.[method.toLowerCase()];
    const response = op?.responses[status] ?? op?.responses.default;
    const schema = response?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`the description has no JSON answer for ${key}`);
    v = ajv.compile({ ...(asJsonSchema(schema) as object), components });
    validators.set(key, v);
  }
  return v;
}

describe('the simulator speaks the business-access API as Pinterest describes it', () => {
  let sim: RunningSimulator;
  let app: { clientId: string; clientSecret: string; refreshToken: string };
  let token: string;

  const control = async (path: string, body: unknown): Promise<unknown> => {
    const r = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
    return r.json();
  };
  const tokenCall = async (form: Record<string, string>, secret = app.clientSecret) =>
    fetch(`${sim.url}/v5/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form).toString(),
    });
  /** Calls the API and checks the answer against the description's schema for that route. */
  const call = async (
    method: string,
    template: string,
    path: string,
    body?: unknown,
    bearer = token,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const r = await fetch(`${sim.url}/v5${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, unknown>;
    const validate = responseValidator(method, template, r.status === 200 ? '200' : 'default');
    if (!validate(json)) throw new Error(`${method} ${path}: ${ajv.errorsText(validate.errors)}`);
    return { status: r.status, body: json, headers: r.headers };
  };
  const log = async () =>
    (
      (await (await fetch(`${sim.url}/__sim/log`)).json()) as { action: string; channel: string }[]
    ).map((e) => [e.action, e.channel]);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await control('/__sim/reset', fixture());
    app = (await control('/__sim/oauth/apps', {
      businessId: BUSINESS,
      scopes: ['biz_access:read', 'biz_access:write'],
    })) as typeof app;
    const r = await tokenCall({ grant_type: 'refresh_token', refresh_token: app.refreshToken });
    const answer = (await r.json()) as Record<string, unknown>;
    const validate = responseValidator('POST', '/oauth/token');
    expect(validate(answer)).toBe(true);
    token = answer.access_token as string;
  });

  it('lists members with their ad accounts and profiles, one page after another by bookmark', async () => {
    // when reading members two at a time with their assets summary
    const first = await call(
      'GET',
      '/businesses/{business_id}/members',
      `/businesses/${BUSINESS}/members?assets_summary=true&page_size=2`,
    );
    const second = await call(
      'GET',
      '/businesses/{business_id}/members',
      `/businesses/${BUSINESS}/members?assets_summary=true&page_size=2&bookmark=${first.body.bookmark as string}`,
    );

    // then two pages hold the four people, the last page says there is no more
    expect(first.body.bookmark).toEqual(expect.any(String));
    expect(second.body.bookmark).toBeNull();
    const items = [...(first.body.items as object[]), ...(second.body.items as object[])];
    expect(items).toHaveLength(4);
    // and Ana's summary holds her ad account but not her catalog, and Cy is a BIZ_ADMIN
    expect(items[1]).toMatchObject({
      id: '901',
      user: { email: 'ana@t.example' },
      business_roles: ['EMPLOYEE'],
      assets_summary: { ad_accounts: [{ id: '5491', permissions: ['ANALYST'] }], profiles: [] },
    });
    expect(items[3]).toMatchObject({ id: '903', business_roles: ['BIZ_ADMIN'] });
  });

  it('answers assets, per-asset members and partners, partners and invites in the described shapes', async () => {
    const catalogs = await call(
      'GET',
      '/businesses/{business_id}/assets',
      `/businesses/${BUSINESS}/assets?asset_type=CATALOG`,
    );
    expect(catalogs.body.items).toEqual([
      {
        asset_id: '8001',
        asset_type: 'CATALOG',
        catalog_info: { id: '8001', name: 'Products', catalog_type: 'PRODUCT' },
      },
    ]);
    const onCatalog = await call(
      'GET',
      '/businesses/{business_id}/assets/{asset_id}/members',
      `/businesses/${BUSINESS}/assets/8001/members`,
    );
    expect(onCatalog.body.items).toEqual([
      {
        user: { id: '901', email: 'ana@t.example', username: 'Ana' },
        permissions: ['CATALOGS_MANAGER'],
      },
    ]);
    const partnersOnCatalog = await call(
      'GET',
      '/businesses/{business_id}/assets/{asset_id}/partners',
      `/businesses/${BUSINESS}/assets/8001/partners`,
    );
    expect(partnersOnCatalog.body.items).toHaveLength(1);
    const partners = await call(
      'GET',
      '/businesses/{business_id}/partners',
      `/businesses/${BUSINESS}/partners?assets_summary=true`,
    );
    expect(partners.body.items).toMatchObject([{ id: '3001', business_roles: ['PARTNER'] }]);
    const partnerAssets = await call(
      'GET',
      '/businesses/{business_id}/partners/{partner_id}/assets',
      `/businesses/${BUSINESS}/partners/3001/assets?asset_type=CATALOG`,
    );
    expect(partnerAssets.body.items).toEqual([
      { asset_id: '8001', asset_type: 'CATALOG', permissions: ['CATALOGS_MANAGER'] },
    ]);
    const memberAssets = await call(
      'GET',
      '/businesses/{business_id}/members/{member_id}/assets',
      `/businesses/${BUSINESS}/members/901/assets?asset_type=CATALOG`,
    );
    expect(memberAssets.body.items).toEqual([
      { asset_id: '8001', asset_type: 'CATALOG', permissions: ['CATALOGS_MANAGER'] },
    ]);
    const invites = await call(
      'GET',
      '/businesses/{business_id}/invites',
      `/businesses/${BUSINESS}/invites`,
    );
    expect(invites.body.items).toMatchObject([
      {
        user: { email: 'pending@t.example' },
        business_roles: ['EMPLOYEE'],
        invite_data: { invite_status: 'PENDING' },
      },
    ]);
  });

  it('changes made through the API show on the state the pages read, logged with channel api', async () => {
    // when the API changes a role, grants and revokes access, invites, cancels and removes
    await call('PATCH', '/businesses/{business_id}/members', `/businesses/${BUSINESS}/members`, [
      { member_id: '902', business_role: 'BIZ_ADMIN' },
    ]);
    await call(
      'PATCH',
      '/businesses/{business_id}/members/assets/access',
      `/businesses/${BUSINESS}/members/assets/access`,
      {
        accesses: [{ member_id: '902', asset_id: '5491', permissions: ['ADMIN'] }],
      },
    );
    await call(
      'DELETE',
      '/businesses/{business_id}/members/assets/access',
      `/businesses/${BUSINESS}/members/assets/access`,
      {
        accesses: [{ member_id: '901', asset_id: '8001' }],
      },
    );
    const invited = await call(
      'POST',
      '/businesses/{business_id}/invites',
      `/businesses/${BUSINESS}/invites`,
      {
        business_role: 'EMPLOYEE',
        invite_type: 'MEMBER_INVITE',
        members: ['new@t.example', 'ana@t.example'],
      },
    );
    const inviteId = (invited.body.items as { invite: { id: string } }[])[0]!.invite.id;
    expect((invited.body.items as object[])[1]).toMatchObject({
      exception: { users_or_partner_ids: ['ana@t.example'] },
    });
    await call('DELETE', '/businesses/{business_id}/invites', `/businesses/${BUSINESS}/invites`, {
      invite_ids: [inviteId],
    });
    const removed = await call(
      'DELETE',
      '/businesses/{business_id}/members',
      `/businesses/${BUSINESS}/members`,
      {
        members: [{ member_id: '901', business_role: 'EMPLOYEE' }],
      },
    );

    // then the answers say so, the state the pages render holds it, and the log names the API
    expect(removed.body).toEqual({ deleted_members: ['901'] });
    const state = sim.state.businesses.get(BUSINESS)!;
    expect(state.members.get('902')!.role).toBe('MANAGER');
    expect(state.permissionsOf('902', '5491')).toEqual(['ADMIN']);
    expect(state.members.has('901')).toBe(false);
    expect(state.invites.get('new@t.example')!.status).toBe('CANCELLED');
    expect(await log()).toEqual([
      ['change_role', 'api'],
      ['set_asset_permissions', 'api'],
      ['set_asset_permissions', 'api'],
      ['invite', 'api'],
      ['cancel_invite', 'api'],
      ['remove_member', 'api'],
    ]);
  });

  it('refuses with the described error shape: bad token, missing scope, other business, bad bookmark, rate limit', async () => {
    expect(
      (
        await call(
          'GET',
          '/businesses/{business_id}/members',
          `/businesses/${BUSINESS}/members`,
          undefined,
          'nope',
        )
      ).status,
    ).toBe(401);
    const readOnly = (await control('/__sim/oauth/apps', {
      businessId: BUSINESS,
      scopes: ['biz_access:read'],
    })) as typeof app;
    const ro = (await (
      await fetch(`${sim.url}/v5/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${readOnly.clientId}:${readOnly.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: readOnly.refreshToken,
        }).toString(),
      })
    ).json()) as { access_token: string; scope: string };
    expect(ro.scope).toBe('biz_access:read');
    const scopeless = await call(
      'DELETE',
      '/businesses/{business_id}/members',
      `/businesses/${BUSINESS}/members`,
      { members: [{ member_id: '901', business_role: 'EMPLOYEE' }] },
      ro.access_token,
    );
    expect(scopeless.status).toBe(401);
    expect(scopeless.body.message).toMatch(/biz_access:write/);
    expect(
      (await call('GET', '/businesses/{business_id}/members', '/businesses/999/members')).status,
    ).toBe(404);
    expect(
      (
        await call(
          'GET',
          '/businesses/{business_id}/members',
          `/businesses/${BUSINESS}/members?bookmark=xyz`,
        )
      ).status,
    ).toBe(400);

    await control('/__sim/faults', { rateLimitApi: 1 });
    const limited = await call(
      'GET',
      '/businesses/{business_id}/members',
      `/businesses/${BUSINESS}/members`,
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(
      (await call('GET', '/businesses/{business_id}/members', `/businesses/${BUSINESS}/members`))
        .status,
    ).toBe(200);
  });

  it('expired tokens refresh; revoked ones do not', async () => {
    await control('/__sim/faults', { expireTokens: true });
    expect(
      (await call('GET', '/businesses/{business_id}/members', `/businesses/${BUSINESS}/members`))
        .status,
    ).toBe(401);
    const refreshed = (await (
      await tokenCall({ grant_type: 'refresh_token', refresh_token: app.refreshToken })
    ).json()) as {
      access_token: string;
    };
    expect(
      (
        await call(
          'GET',
          '/businesses/{business_id}/members',
          `/businesses/${BUSINESS}/members`,
          undefined,
          refreshed.access_token,
        )
      ).status,
    ).toBe(200);

    await control('/__sim/faults', { revokeToken: app.clientId });
    expect(
      (
        await call(
          'GET',
          '/businesses/{business_id}/members',
          `/businesses/${BUSINESS}/members`,
          undefined,
          refreshed.access_token,
        )
      ).status,
    ).toBe(401);
    expect(
      (await tokenCall({ grant_type: 'refresh_token', refresh_token: app.refreshToken })).status,
    ).toBe(400);
    expect(
      (await tokenCall({ grant_type: 'refresh_token', refresh_token: app.refreshToken }, 'wrong'))
        .status,
    ).toBe(401);
  });

  it('runs the authorization-code flow through the consent page, each code once', async () => {
    const redirect = 'http://127.0.0.1:9/oauth/pinterest/callback';
    const consent = await fetch(
      `${sim.url}/oauth/?client_id=${app.clientId}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=biz_access:read,biz_access:write&state=s1`,
    );
    expect(await consent.text()).toContain('biz_access:write');
    const given = await fetch(`${sim.url}/oauth/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: redirect,
        response_type: 'code',
        scope: 'biz_access:read,biz_access:write',
        state: 's1',
        decision: 'allow',
      }).toString(),
    });
    const location = new URL(given.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code')!;
    const exchanged = await tokenCall({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
    });
    const answer = (await exchanged.json()) as Record<string, unknown>;
    expect(responseValidator('POST', '/oauth/token')(answer)).toBe(true);
    expect(answer).toMatchObject({
      response_type: 'authorization_code',
      scope: 'biz_access:read,biz_access:write',
    });
    expect(answer.refresh_token).toEqual(expect.any(String));
    expect(
      (await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirect })).status,
    ).toBe(400);
  });
});

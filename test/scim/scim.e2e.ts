import { IdentityDirectory } from '@app/governance/directory';
import { bearerGuardsInjectable, type Reply, ScimApp } from './scim-app';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What Okta sends on "Push new user". */
const oktaUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [CORE],
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Ada Lovelace',
  locale: 'en-US',
  externalId: `00u${userName.length}okta`,
  groups: [],
  password: 'never-stored',
  active: true,
  ...extra,
});

/** What Entra ID sends when it provisions a user. */
const entraUser = (userName: string) => ({
  schemas: [CORE, ENTERPRISE],
  externalId: `entra-${userName}`,
  userName,
  active: 'True',
  displayName: 'Grace Hopper',
  title: 'Rear Admiral',
  emails: [{ primary: true, type: 'work', value: userName }],
  name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
  [ENTERPRISE]: { employeeNumber: '1906', department: 'Navy' },
});

const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const filterQuery = (filter: string, extra = '') =>
  `/Users?filter=${encodeURIComponent(filter)}${extra}`;

function expectScimError(reply: Reply, status: number, scimType?: string): void {
  expect({
    status: reply.status,
    schemas: reply.body?.schemas,
    bodyStatus: reply.body?.status,
  }).toEqual({
    status,
    schemas: [ERROR],
    bodyStatus: String(status),
  });
  expect(reply.contentType).toMatch(/^application\/scim\+json/);
  expect(typeof reply.body.detail).toBe('string');
  if (scimType) expect(reply.body.scimType).toBe(scimType);
}

describe('SCIM 2.0 directory over HTTP', () => {
  let scim: ScimApp;

  beforeAll(async () => {
    scim = await ScimApp.start();
  });

  afterAll(async () => {
    await scim?.stop();
  });

  async function create(body: unknown): Promise<Reply> {
    const reply = await scim.scim('POST', '/Users', { body });
    expect(reply.status).toBe(201);
    return reply;
  }

  describe('discovery', () => {
    it('given the SCIM token, when the ServiceProviderConfig is read, then PATCH and filter are supported', async () => {
      const reply = await scim.scim('GET', '/ServiceProviderConfig');
      expect(reply.status).toBe(200);
      expect(reply.contentType).toMatch(/^application\/scim\+json/);
      expect(reply.body).toMatchObject({
        patch: { supported: true },
        filter: { supported: true },
        bulk: { supported: false },
        authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
      });
    });

    it('when Schemas and ResourceTypes are read, then they describe the User resource', async () => {
      const schemas = await scim.scim('GET', '/Schemas');
      expect(schemas.body.schemas).toEqual([LIST]);
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([CORE]);
      const names = schemas.body.Resources[0].attributes.map((a: { name: string }) => a.name);
      expect(names).toEqual(
        expect.arrayContaining(['userName', 'name', 'emails', 'active', 'externalId']),
      );

      const types = await scim.scim('GET', '/ResourceTypes');
      expect(types.body.Resources).toEqual([
        expect.objectContaining({ id: 'User', endpoint: '/Users', schema: CORE }),
      ]);
      expect((await scim.scim('GET', '/ResourceTypes/User')).body.id).toBe('User');
      expectScimError(await scim.scim('GET', '/ResourceTypes/Group'), 404);
    });
  });

  describe('authentication', () => {
    it('given the access module, then its bearer guards can be injected without help', () => {
      // Fails while libs/governance/src/access/auth.guard.ts's BearerGuard lacks @Injectable().
      expect(bearerGuardsInjectable).toBe(true);
    });

    it.each([
      ['a wrong token', 'not-the-token'],
      ['no token', null],
      ['the admin API key', 'test-admin-key'],
    ])(
      'given %s, when /Users is called, then 401 in the SCIM error format',
      async (_case, token) => {
        const reply = await scim.scim('GET', '/Users', { token });
        expectScimError(reply, 401);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      },
    );

    it('given a wrong token, when a user is posted, then nothing is appended', async () => {
      const head = await scim.headPosition();
      expectScimError(
        await scim.scim('POST', '/Users', { body: oktaUser('intruder@acme.test'), token: 'x' }),
        401,
      );
      expect(await scim.headPosition()).toBe(head);
    });
  });

  describe('Okta', () => {
    it('given a new user, when Okta looks it up, creates it and reads it back, then the resource is complete', async () => {
      const lookup = await scim.scim(
        'GET',
        filterQuery('userName eq "ada@okta.test"', '&startIndex=1&count=100'),
      );
      expect(lookup.status).toBe(200);
      expect(lookup.body).toEqual({
        schemas: [LIST],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });

      const created = await create(oktaUser('ada@okta.test'));
      expect(created.contentType).toMatch(/^application\/scim\+json/);
      const user = created.body;
      expect(user.id).toMatch(UUID);
      expect(created.headers.get('location')).toBe(`${scim.baseUrl}/scim/v2/Users/${user.id}`);
      expect(user).toEqual({
        schemas: [CORE],
        id: user.id,
        externalId: '00u13okta',
        userName: 'ada@okta.test',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        displayName: 'Ada Lovelace',
        emails: [{ value: 'ada@okta.test', type: 'work', primary: true }],
        active: true,
        meta: {
          resourceType: 'User',
          created: expect.any(String),
          lastModified: expect.any(String),
          location: `${scim.baseUrl}/scim/v2/Users/${user.id}`,
          version: 'W/"0"',
        },
      });
      expect(created.headers.get('etag')).toBe('W/"0"');

      const read = await scim.scim('GET', `/Users/${user.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(user);

      // userName compares case-insensitively (RFC 7643 §4.1.1).
      const found = await scim.scim('GET', filterQuery('userName eq "ADA@OKTA.TEST"'));
      expect(found.body.totalResults).toBe(1);
      expect(found.body.Resources).toEqual([user]);
    });

    it('given a user, when Okta deactivates it with a path-less replace, then it stays readable and inactive', async () => {
      const { body: user } = await create(oktaUser('leaver@okta.test'));
      const reply = await scim.scim('PATCH', `/Users/${user.id}`, {
        body: patchOp({ op: 'replace', value: { active: false } }),
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: user.id, active: false, meta: { version: 'W/"1"' } });

      const read = await scim.scim('GET', `/Users/${user.id}`);
      expect(read.status).toBe(200);
      expect(read.body.active).toBe(false);
      expect(
        (await scim.scim('GET', filterQuery('userName eq "leaver@okta.test"'))).body.totalResults,
      ).toBe(1);

      const events = await scim.stream(user.id);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        [
          'IdentityProvisioned',
          expect.objectContaining({ identityId: user.id, workspaceId: 'default', active: true }),
        ],
        [
          'IdentityDeprovisioned',
          { identityId: user.id, workspaceId: 'default', reason: 'deactivated' },
        ],
      ]);
      expect(
        events.every((e) => e.metadata.workspaceId === 'default' && e.metadata.actor === 'scim'),
      ).toBe(true);
      expect(events[0].data).toMatchObject({ personal: { userName: 'leaver@okta.test' } });
      expect(JSON.stringify(events)).not.toContain('never-stored');
    });

    it('given a deactivated user, when Okta PUTs it back active with a new name, then it is updated and reactivated', async () => {
      const { body: user } = await create(oktaUser('returner@okta.test', { active: false }));
      expect(user.active).toBe(false);
      const reply = await scim.scim('PUT', `/Users/${user.id}`, {
        body: oktaUser('returner@okta.test', {
          id: user.id,
          name: { givenName: 'Augusta', familyName: 'King' },
          displayName: undefined,
        }),
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        active: true,
        name: { givenName: 'Augusta', familyName: 'King' },
      });
      // PUT replaces: the displayName it left out is gone.
      expect(reply.body).not.toHaveProperty('displayName');
      const types = (await scim.stream(user.id)).map((e) => e.type);
      expect(types).toEqual(['IdentityProvisioned', 'IdentityUpdated', 'IdentityReactivated']);
    });

    it('given a user, when the same PUT is sent twice, then the second appends nothing', async () => {
      const { body: user } = await create(oktaUser('steady@okta.test'));
      const head = await scim.headPosition();
      const reply = await scim.scim('PUT', `/Users/${user.id}`, {
        body: oktaUser('steady@okta.test'),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.meta.version).toBe('W/"0"');
      expect(await scim.headPosition()).toBe(head);
    });

    it('given a deactivated user, when a PUT leaves `active` out, then it stays deactivated', async () => {
      const { body: user } = await create(oktaUser('quiet@okta.test', { active: false }));
      const { active: _omitted, ...withoutActive } = oktaUser('quiet@okta.test');
      const reply = await scim.scim('PUT', `/Users/${user.id}`, { body: withoutActive });
      expect(reply.status).toBe(200);
      expect(reply.body.active).toBe(false);
    });
  });

  describe('Entra ID', () => {
    it('given an Entra ID user, when created, then "True" is read as a boolean and the extension is dropped', async () => {
      const { body: user } = await create(entraUser('grace@entra.test'));
      expect(user).toMatchObject({
        userName: 'grace@entra.test',
        active: true,
        externalId: 'entra-grace@entra.test',
        name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
      });
      expect(user).not.toHaveProperty([ENTERPRISE]);
      expect(user).not.toHaveProperty('title');
    });

    it('given a user, when Entra ID sends capitalised ops, "False", a filtered email path and dotted keys, then all apply', async () => {
      const { body: user } = await create(entraUser('hopper@entra.test'));
      const reply = await scim.scim('PATCH', `/Users/${user.id}`, {
        body: patchOp(
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'grace.hopper@entra.test' },
          { op: 'Add', path: 'emails[type eq "other"].value', value: 'G.Hopper@Navy.test' },
          {
            op: 'Replace',
            value: { 'name.givenName': 'Amazing Grace', displayName: 'Amazing Grace Hopper' },
          },
          {
            op: 'Add',
            path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
            value: 'Yale',
          },
          { op: 'Replace', path: 'active', value: 'False' },
        ),
        contentType: 'application/scim+json; charset=utf-8',
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        active: false,
        displayName: 'Amazing Grace Hopper',
        name: { givenName: 'Amazing Grace', familyName: 'Hopper', formatted: 'Grace Hopper' },
        emails: [
          { value: 'grace.hopper@entra.test', type: 'work', primary: true },
          { value: 'G.Hopper@Navy.test', type: 'other', primary: false },
        ],
      });
      const types = (await scim.stream(user.id)).map((e) => e.type);
      expect(types).toEqual(['IdentityProvisioned', 'IdentityUpdated', 'IdentityDeprovisioned']);

      const reactivated = await scim.scim('PATCH', `/Users/${user.id}`, {
        body: patchOp({ op: 'Replace', value: { active: 'True' } }),
      });
      expect(reactivated.body.active).toBe(true);
      expect((await scim.stream(user.id)).at(-1)?.type).toBe('IdentityReactivated');
    });

    it('given an Entra ID lookup by externalId, when filtered, then the user is found by its exact id', async () => {
      const { body: user } = await create(entraUser('lookup@entra.test'));
      const found = await scim.scim('GET', filterQuery('externalId eq "entra-lookup@entra.test"'));
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([user.id]);
      expect(
        (await scim.scim('GET', filterQuery('externalId eq "ENTRA-LOOKUP@entra.test"'))).body
          .totalResults,
      ).toBe(0);
    });

    it('given a plain application/json body, when posted, then it is accepted too', async () => {
      const reply = await scim.scim('POST', '/Users', {
        body: entraUser('json@entra.test'),
        contentType: 'application/json',
      });
      expect(reply.status).toBe(201);
    });
  });

  describe('uniqueness', () => {
    it('given a userName, when another user is posted with it in another case, then 409 uniqueness and nothing appended', async () => {
      await create(oktaUser('unique@acme.test'));
      const head = await scim.headPosition();
      const reply = await scim.scim('POST', '/Users', { body: oktaUser('UNIQUE@acme.test') });
      expectScimError(reply, 409, 'uniqueness');
      expect(await scim.headPosition()).toBe(head);
    });

    it('given two users, when one is renamed to the other by PATCH or PUT, then 409', async () => {
      await create(oktaUser('first@acme.test'));
      const { body: second } = await create(oktaUser('second@acme.test'));
      const head = await scim.headPosition();
      expectScimError(
        await scim.scim('PATCH', `/Users/${second.id}`, {
          body: patchOp({ op: 'replace', path: 'userName', value: 'First@acme.test' }),
        }),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim.scim('PUT', `/Users/${second.id}`, { body: oktaUser('first@acme.test') }),
        409,
        'uniqueness',
      );
      expect(await scim.headPosition()).toBe(head);
    });

    it('given a user, when its own userName changes case, then it is no conflict', async () => {
      const { body: user } = await create(oktaUser('casey@acme.test'));
      const reply = await scim.scim('PATCH', `/Users/${user.id}`, {
        body: patchOp({ op: 'replace', path: 'userName', value: 'Casey@acme.test' }),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.userName).toBe('Casey@acme.test');
    });

    it('given concurrent posts of one userName, when they race, then exactly one is created', async () => {
      const replies = await Promise.all(
        [1, 2, 3, 4].map(() => scim.scim('POST', '/Users', { body: oktaUser('racer@acme.test') })),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    });
  });

  describe('filter and pagination', () => {
    const prefix = 'page';
    let ids: string[];

    beforeAll(async () => {
      ids = [];
      for (const n of [1, 2, 3, 4, 5]) {
        const { body } = await create(
          oktaUser(`${prefix}${n}@list.test`, { emails: [{ value: `${prefix}${n}@list.test` }] }),
        );
        ids.push(body.id);
      }
    });

    it('given users, when listed by startIndex and count, then the pages tile the whole list', async () => {
      const all = await scim.scim('GET', '/Users?count=200');
      const total = all.body.totalResults;
      expect(total).toBeGreaterThanOrEqual(5);
      expect(all.body.Resources).toHaveLength(total);
      const allIds = all.body.Resources.map((r: { id: string }) => r.id);
      expect(allIds).toEqual(expect.arrayContaining(ids));

      const seen: string[] = [];
      for (let start = 1; start <= total; start += 2) {
        const page = await scim.scim('GET', `/Users?startIndex=${start}&count=2`);
        expect(page.body).toMatchObject({ totalResults: total, startIndex: start });
        expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
        seen.push(...page.body.Resources.map((r: { id: string }) => r.id));
      }
      expect(seen).toEqual(allIds);
    });

    it('given count=0, when listed, then only the total comes back', async () => {
      const reply = await scim.scim('GET', '/Users?count=0');
      expect(reply.body.Resources).toEqual([]);
      expect(reply.body.totalResults).toBeGreaterThanOrEqual(5);
    });

    it('given startIndex 0 and a start past the end, when listed, then 1 and an empty page', async () => {
      expect((await scim.scim('GET', '/Users?startIndex=0&count=1')).body.startIndex).toBe(1);
      const past = await scim.scim('GET', '/Users?startIndex=100000&count=5');
      expect(past.body.Resources).toEqual([]);
    });

    it('given an email in another case and with spaces, when filtered by emails.value, then its holder is found', async () => {
      const reply = await scim.scim('GET', filterQuery('emails.value eq " PAGE3@List.test "'));
      expect(reply.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids[2]]);
    });

    it.each([
      ['an unsupported operator', filterQuery('userName sw "page"'), 'invalidFilter'],
      ['an unsupported attribute', filterQuery('displayName eq "x"'), 'invalidFilter'],
      ['a non-integer count', '/Users?count=ten', 'invalidValue'],
      ['a repeated filter', `${filterQuery('userName eq "a"')}&filter=x`, 'invalidValue'],
    ])('given %s, when listed, then 400', async (_case, path, scimType) => {
      expectScimError(await scim.scim('GET', path), 400, scimType);
    });
  });

  describe('DELETE', () => {
    it('given a user, when deleted, then 204, it is gone from SCIM, its userName is free and its history stays', async () => {
      const { body: user } = await create(oktaUser('gone@acme.test'));
      const reply = await scim.scim('DELETE', `/Users/${user.id}`);
      expect(reply.status).toBe(204);
      expect(reply.body).toBeNull();

      expectScimError(await scim.scim('GET', `/Users/${user.id}`), 404);
      expectScimError(await scim.scim('DELETE', `/Users/${user.id}`), 404);
      expectScimError(
        await scim.scim('PATCH', `/Users/${user.id}`, {
          body: patchOp({ op: 'replace', path: 'active', value: true }),
        }),
        404,
      );
      expect(
        (await scim.scim('GET', filterQuery('userName eq "gone@acme.test"'))).body.totalResults,
      ).toBe(0);

      const events = await scim.stream(user.id);
      expect(events.map((e) => e.type)).toEqual(['IdentityProvisioned', 'IdentityDeprovisioned']);
      expect(events[1].data).toMatchObject({ reason: 'deleted' });

      const again = await create(oktaUser('gone@acme.test'));
      expect(again.body.id).not.toBe(user.id);
    });

    it('given an unknown or malformed id, when read, then 404', async () => {
      expectScimError(await scim.scim('GET', '/Users/00000000-0000-4000-8000-000000000000'), 404);
      expectScimError(await scim.scim('GET', '/Users/not-a-uuid'), 404);
    });
  });

  describe('invalid input appends nothing', () => {
    let userId: string;

    beforeAll(async () => {
      userId = (await create(oktaUser('strict@acme.test'))).body.id;
    });

    it.each([
      ['malformed JSON', 'POST', '/Users', { raw: '{"userName": "x",' }, 'invalidSyntax'],
      [
        'malformed JSON as application/json',
        'POST',
        '/Users',
        { raw: '{oops', contentType: 'application/json' },
        'invalidSyntax',
      ],
      ['a JSON array', 'POST', '/Users', { body: [oktaUser('a@x.test')] }, 'invalidSyntax'],
      [
        'no userName',
        'POST',
        '/Users',
        { body: { schemas: [CORE], name: { givenName: 'A' } } },
        'invalidValue',
      ],
      [
        'a wrong schema',
        'POST',
        '/Users',
        { body: { schemas: ['urn:x'], userName: 'x' } },
        'invalidSyntax',
      ],
      [
        'an email that is no address',
        'POST',
        '/Users',
        { body: oktaUser('y@x.test', { emails: [{ value: 'nope' }] }) },
        'invalidValue',
      ],
      [
        'active "maybe"',
        'POST',
        '/Users',
        { body: oktaUser('z@x.test', { active: 'maybe' }) },
        'invalidValue',
      ],
    ])(
      'given %s, when sent, then 400 and the log does not move',
      async (_case, method, path, options, scimType) => {
        const head = await scim.headPosition();
        const reply = await scim.scim(method, path, options);
        expectScimError(reply, 400, scimType);
        expect(await scim.headPosition()).toBe(head);
      },
    );

    it.each([
      ['an unknown op', patchOp({ op: 'Merge', path: 'active', value: false }), 'invalidSyntax'],
      ['a remove without path', patchOp({ op: 'Remove' }), 'noTarget'],
      ['active "Nope"', patchOp({ op: 'Replace', path: 'active', value: 'Nope' }), 'invalidValue'],
      [
        'an unknown attribute',
        patchOp({ op: 'replace', path: 'shoeSize', value: 44 }),
        'invalidPath',
      ],
      ['no Operations', { schemas: [PATCH_OP] }, 'invalidSyntax'],
      [
        'a valid op followed by a bad one',
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'replace', path: 'userName', value: '' },
        ),
        'invalidValue',
      ],
    ])(
      'given a PATCH with %s, when sent, then 400 and the log does not move',
      async (_case, body, scimType) => {
        const head = await scim.headPosition();
        const reply = await scim.scim('PATCH', `/Users/${userId}`, { body });
        expectScimError(reply, 400, scimType);
        expect(reply.body.detail).toMatch(/Operations/);
        expect(await scim.headPosition()).toBe(head);
        expect((await scim.scim('GET', `/Users/${userId}`)).body.displayName).toBe('Ada Lovelace');
      },
    );
  });

  describe('/api/identities and the matching side', () => {
    let lovelace: string;
    let babbage: string;
    let inactive: string;

    beforeAll(async () => {
      lovelace = (
        await create({
          schemas: [CORE],
          userName: 'countess@search.test',
          name: { givenName: 'Augusta Ada', familyName: 'Byron' },
          emails: [
            { value: 'countess@search.test', type: 'work', primary: true },
            { value: ' Ada.Secondary@Search.test ', type: 'home' },
          ],
        })
      ).body.id;
      babbage = (
        await create({
          schemas: [CORE],
          userName: 'charles@search.test',
          displayName: 'Charles Babbage',
          emails: [{ value: 'charles@search.test', type: 'work', primary: true }],
        })
      ).body.id;
      inactive = (
        await create({
          schemas: [CORE],
          userName: 'retired@search.test',
          displayName: 'Retired Byron',
          emails: [{ value: 'ada.secondary@search.test' }],
          active: false,
        })
      ).body.id;
    });

    it('given a name, when searched, then the identities whose name contains it come back with the SCIM id', async () => {
      const reply = await scim.request('GET', '/api/identities?search=BYRON');
      expect(reply.status).toBe(200);
      expect(reply.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
        [lovelace, inactive].sort(),
      );
      expect(reply.body.items.find((i: { id: string }) => i.id === lovelace)).toMatchObject({
        userName: 'countess@search.test',
        name: { givenName: 'Augusta Ada', familyName: 'Byron' },
        active: true,
      });
      expect(reply.body.nextCursor).toBeNull();
    });

    it('given a secondary email in another case, when searched with active=true, then only the active holder', async () => {
      const reply = await scim.request(
        'GET',
        '/api/identities?search=ADA.SECONDARY%40search&active=true',
      );
      expect(reply.body.items.map((i: { id: string }) => i.id)).toEqual([lovelace]);
    });

    it('given several words, when searched, then all must match', async () => {
      const reply = await scim.request('GET', '/api/identities?search=charles%20babb');
      expect(reply.body.items.map((i: { id: string }) => i.id)).toEqual([babbage]);
    });

    it('given limit=2, when paged by cursor, then every identity comes once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/api/identities?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const reply = await scim.request('GET', query);
        expect(reply.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...reply.body.items.map((i: { id: string }) => i.id));
        cursor = reply.body.nextCursor;
        pages += 1;
      } while (cursor);
      const total = (await scim.scim('GET', '/Users?count=0')).body.totalResults;
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect(pages).toBeGreaterThan(1);
    });

    it('given one identity, when read by id, then the same resource; an unknown id is 404, a malformed one 400', async () => {
      expect((await scim.request('GET', `/api/identities/${babbage}`)).body).toMatchObject({
        id: babbage,
        displayName: 'Charles Babbage',
      });
      expect(
        (await scim.request('GET', '/api/identities/00000000-0000-4000-8000-000000000000')).status,
      ).toBe(404);
      expect((await scim.request('GET', '/api/identities/unknown')).status).toBe(400);
    });

    it.each([
      ['a limit of 0', '/api/identities?limit=0'],
      ['active=maybe', '/api/identities?active=maybe'],
      ['a bad cursor', '/api/identities?cursor=garbage'],
      ['an unknown parameter', '/api/identities?sort=name'],
    ])('given %s, when listed, then 400', async (_case, path) => {
      expect((await scim.request('GET', path)).status).toBe(400);
    });

    it.each([
      ['the SCIM token', 'test-scim-token'],
      ['no key', null],
    ])('given %s, when /api/identities is called, then 401', async (_case, token) => {
      expect((await scim.request('GET', '/api/identities', { token })).status).toBe(401);
    });

    it('given emails held by active and inactive identities, then matching sees only the active holders', async () => {
      const directory = scim.app.get(IdentityDirectory);
      expect(await directory.findActiveByEmail('default', '  ADA.SECONDARY@search.test')).toEqual([
        lovelace,
      ]);
      expect(await directory.findActiveByEmail('default', 'retired@search.test')).toEqual([]);
      expect(await directory.findActiveByEmail('default', 'charles@search.test')).toEqual([
        babbage,
      ]);

      await scim.scim('PATCH', `/Users/${inactive}`, {
        body: patchOp({ op: 'Replace', path: 'active', value: 'True' }),
      });
      await directory.catchUp();
      expect(
        (await directory.findActiveByEmail('default', 'ada.secondary@search.test')).sort(),
      ).toEqual([lovelace, inactive].sort());
    });
  });
});

import { randomUUID } from 'node:crypto';
import { workspaceDecider, workspaceStream } from '@app/domain';
import { hashSecret } from '@app/governance';
import { CommandExecutor } from '@app/infrastructure';
import { demoFixture } from '@app/simulator';
import {
  ADMIN_KEY,
  eventually,
  type ServiceHarness,
  startService,
} from '../support/service-harness';

interface Issued {
  id: string;
  name: string;
  role: string;
  person: { email: string; name: string } | null;
  key: string;
}
interface Listed {
  id: string;
  name: string;
  role: string;
  legacy: boolean;
  status: string;
  person: { email: string; name: string } | null;
}
interface ErrorBody {
  statusCode: number;
  message: string;
  details?: unknown;
}

const ada = { email: 'ada@acme.test', name: 'Ada Lovelace' };
const LEGACY_KEY = 'legacy-key-from-before-roles-0123';

describe('people, keys and roles', () => {
  let svc: ServiceHarness;
  let auditor: Issued;
  let operator: Issued;

  beforeAll(async () => {
    svc = await startService(demoFixture());
    const made = await svc.api<Issued>('POST', '/api/api-keys', {
      name: 'ada',
      role: 'auditor',
      person: ada,
    });
    expect(made.status).toBe(201);
    auditor = made.body;
    operator = (
      await svc.api<Issued>('POST', '/api/api-keys', {
        name: 'ops-bot',
        role: 'operator',
        person: { email: 'ops@acme.test', name: 'Ops Team' },
      })
    ).body;
    // A credential issued before keys were peppered and had roles: a bare SHA-256 in the log.
    const ctx = { workspaceId: 'default', actor: 'test' };
    await svc.app.get(CommandExecutor).execute(
      workspaceStream('default'),
      workspaceDecider,
      {
        type: 'IssueCredential',
        credentialId: randomUUID(),
        kind: 'api_key',
        name: 'old admin',
        secretHash: hashSecret(LEGACY_KEY),
      },
      ctx,
    );
    // and another workspace with a key of its own
    await svc.app
      .get(CommandExecutor)
      .execute(
        workspaceStream('other'),
        workspaceDecider,
        { type: 'CreateWorkspace', workspaceId: 'other', name: 'Other' },
        { workspaceId: 'other', actor: 'test' },
      );
  }, 120_000);

  afterAll(async () => svc?.close());

  it('given a new key, then it is shown once with its id as prefix, and works at once', async () => {
    expect(auditor).toMatchObject({ name: 'ada', role: 'auditor', person: ada });
    expect(auditor.key).toMatch(new RegExp(`^pak_${auditor.id}_[A-Za-z0-9_-]{32}$`));
    const me = await svc.api('GET', '/api/me', undefined, auditor.key);
    expect(me).toEqual({
      status: 200,
      body: {
        workspaceId: 'default',
        keyId: auditor.id,
        name: 'ada',
        role: 'auditor',
        person: ada,
      },
    });
  });

  it('given keys, when listed, then never a key nor a hash; the pre-pepper credential is flagged legacy and still works', async () => {
    const list = await eventually(
      () => svc.api<{ items: Listed[] }>('GET', '/api/api-keys'),
      (r) => r.body.items.length === 4,
    );
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(auditor.key);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toContain('secretHash');
    const byName = Object.fromEntries(list.body.items.map((i) => [i.name, i]));
    expect(byName['admin']).toMatchObject({ role: 'admin', legacy: false, status: 'active' });
    expect(byName['ada']).toMatchObject({ role: 'auditor', legacy: false, person: ada });
    expect(byName['old admin']).toMatchObject({ role: 'admin', legacy: true, status: 'active' });
    // issued straight into the log a moment ago: every process sees it within 2 s
    const me = await eventually(
      () => svc.api('GET', '/api/me', undefined, LEGACY_KEY),
      (r) => r.status === 200,
      2_000,
    );
    expect(me.body).toMatchObject({ name: 'old admin', role: 'admin' });
  });

  it('given a bad body, when a key is asked for, then 400 naming the field and nothing appended', async () => {
    const head = await svc.head();
    for (const [body, field] of [
      [{ name: 'x', role: 'root', person: ada }, 'role'],
      [{ name: 'x', role: 'auditor', person: { email: 'nope', name: 'N' } }, 'person.email'],
      [{ name: 'x', role: 'auditor' }, 'person'],
      [{ name: '', role: 'auditor', person: ada }, 'name'],
    ] as const) {
      const res = await svc.api<ErrorBody>('POST', '/api/api-keys', body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(new RegExp(`^invalid ${field.replace('.', '\\.')}:`));
    }
    expect(await svc.events({}, head)).toEqual([]);
  });

  it('given an auditor key, then it reads, exports and dry-runs, and anything else is 403 naming the roles', async () => {
    const read = await svc.api('GET', '/api/integrations', undefined, auditor.key);
    expect(read.status).toBe(200);
    const exported = await svc.api(
      'POST',
      '/api/exports',
      { kind: 'access_changes', format: 'ndjson' },
      auditor.key,
    );
    expect(exported.status).toBe(201);
    const unknown = randomUUID();
    // A dry run passes the role check (then 404: no such integration); a real apply does not.
    const dry = await svc.api<ErrorBody>(
      'POST',
      `/api/integrations/${unknown}/deprovision-report/apply`,
      { dryRun: true },
      auditor.key,
    );
    expect(dry.status).toBe(404);
    const apply = await svc.api<ErrorBody>(
      'POST',
      `/api/integrations/${unknown}/deprovision-report/apply`,
      {},
      auditor.key,
    );
    expect(apply.status).toBe(403);
    expect(apply.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: "this needs the operator role; the key 'ada' has the auditor role",
      details: { requiredRole: 'operator', keyRole: 'auditor' },
    });
    const check = await svc.api<ErrorBody>(
      'POST',
      `/api/integrations/${unknown}/check-for-updates`,
      {},
      auditor.key,
    );
    expect(check.status).toBe(403);
    const keys = await svc.api<ErrorBody>(
      'POST',
      '/api/api-keys',
      { name: 'x', role: 'admin', person: ada },
      auditor.key,
    );
    expect(keys.body.details).toEqual({ requiredRole: 'admin', keyRole: 'auditor' });
  });

  it('given an operator key, then it runs checks and member actions but cannot manage the workspace', async () => {
    const unknown = randomUUID();
    const check = await svc.api(
      'POST',
      `/api/integrations/${unknown}/check-for-updates`,
      {},
      operator.key,
    );
    expect(check.status).toBe(404);
    const apply = await svc.api(
      'POST',
      `/api/integrations/${unknown}/deprovision-report/apply`,
      {},
      operator.key,
    );
    expect(apply.status).toBe(404);
    const remove = await svc.api(
      'POST',
      `/api/integrations/${unknown}/members/${randomUUID()}/remove`,
      {},
      operator.key,
    );
    expect(remove.status).toBe(404);
    for (const [method, path, body] of [
      ['POST', '/api/integrations', {}],
      ['PUT', '/api/settings/notifications', { emails: [] }],
      ['POST', '/api/guests', {}],
      ['POST', '/api/scim-tokens', { name: 'idp' }],
    ] as const) {
      const res = await svc.api<ErrorBody>(method, path, body, operator.key);
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 403`);
      expect(res.body.details).toEqual({ requiredRole: 'admin', keyRole: 'operator' });
    }
  });

  it('given an auditor key, when it sends a GraphQL mutation, then FORBIDDEN, and queries answer', async () => {
    const gql = (query: string) =>
      svc.api<{
        data?: unknown;
        errors?: { message: string; extensions: Record<string, unknown> }[];
      }>('POST', '/graphql', { query }, auditor.key);
    const mutation = await gql(
      `mutation { checkForUpdates(integrationId: "${randomUUID()}") { taskId } }`,
    );
    expect(mutation.body.errors?.[0]).toMatchObject({
      message: "this needs the operator role; the key 'ada' has the auditor role",
      extensions: { code: 'FORBIDDEN', details: { requiredRole: 'operator', keyRole: 'auditor' } },
    });
    const query = await gql('{ integrations { id } }');
    expect(query.body.errors).toBeUndefined();
  });

  it('given a request by a key, then its events record the key name as actor and its id as actorKeyId', async () => {
    const head = await svc.head();
    const made = await svc.api<Issued>('POST', '/api/api-keys', {
      name: 'temp',
      role: 'auditor',
      person: ada,
    });
    const events = await svc.events({ eventTypes: ['CredentialIssued'] }, head);
    expect(events).toHaveLength(1);
    expect(events[0].metadata).toMatchObject({ actor: 'admin' });
    const adminId = (await svc.api<{ keyId: string }>('GET', '/api/me')).body.keyId;
    expect(events[0].metadata.actorKeyId).toBe(adminId);
    expect(events[0].data).toMatchObject({ credentialId: made.body.id, person: ada });
    expect(JSON.stringify(events[0])).not.toContain(made.body.key);
  });

  it("given a key, when revoked, then it is refused at once; an unknown or another workspace's id is 404", async () => {
    const made = (
      await svc.api<Issued>('POST', '/api/api-keys', { name: 'gone', role: 'auditor', person: ada })
    ).body;
    expect((await svc.api('GET', '/api/me', undefined, made.key)).status).toBe(200);
    const revoked = await svc.api('DELETE', `/api/api-keys/${made.id}`);
    expect(revoked).toEqual({ status: 200, body: { id: made.id, status: 'revoked' } });
    expect((await svc.api('GET', '/api/me', undefined, made.key)).status).toBe(401);
    const unknown = await svc.api<ErrorBody>('DELETE', '/api/api-keys/0123456789abcdef');
    expect(unknown.status).toBe(404);
    // a key of another workspace, named by its id
    const other = await svc.app.get(CommandExecutor).execute(
      workspaceStream('other'),
      workspaceDecider,
      {
        type: 'IssueCredential',
        credentialId: 'fedcba9876543210',
        kind: 'api_key',
        name: 'theirs',
        secretHash: hashSecret('their-key-0123456789'),
      },
      { workspaceId: 'other', actor: 'test' },
    );
    expect(other.appended).toBe(1);
    const foreign = await svc.api<ErrorBody>('DELETE', '/api/api-keys/fedcba9876543210');
    expect(foreign).toEqual({
      status: 404,
      body: { ...unknown.body, message: foreign.body.message },
    });
    expect(foreign.body.message.replace('fedcba9876543210', 'X')).toBe(
      unknown.body.message.replace('0123456789abcdef', 'X'),
    );
    expect((await svc.api('POST', '/api/api-keys/fedcba9876543210/rotate', {})).status).toBe(404);
    expect((await svc.api<ErrorBody>('DELETE', '/api/api-keys/not-an-id')).status).toBe(400);
  });

  it('given a key, when rotated with a grace, then both work until the grace ends, then only the new one', async () => {
    const made = (
      await svc.api<Issued>('POST', '/api/api-keys', { name: 'rot', role: 'operator', person: ada })
    ).body;
    const rotated = await svc.api<Issued & { replaces: string; oldKeyExpiresAt: string }>(
      'POST',
      `/api/api-keys/${made.id}/rotate`,
      { graceSeconds: 2 },
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({
      name: 'rot',
      role: 'operator',
      person: ada,
      replaces: made.id,
    });
    expect(rotated.body.key).not.toBe(made.key);
    expect((await svc.api('GET', '/api/me', undefined, made.key)).status).toBe(200);
    expect((await svc.api('GET', '/api/me', undefined, rotated.body.key)).status).toBe(200);
    await new Promise((r) =>
      setTimeout(r, Date.parse(rotated.body.oldKeyExpiresAt) - Date.now() + 50),
    );
    expect((await svc.api('GET', '/api/me', undefined, made.key)).status).toBe(401);
    expect((await svc.api('GET', '/api/me', undefined, rotated.body.key)).status).toBe(200);
    // without a grace, the old key stops at once; a rotated key cannot be rotated again
    const again = await svc.api<Issued>('POST', `/api/api-keys/${rotated.body.id}/rotate`, {});
    expect((await svc.api('GET', '/api/me', undefined, rotated.body.key)).status).toBe(401);
    expect((await svc.api('GET', '/api/me', undefined, again.body.key)).status).toBe(200);
    expect((await svc.api('POST', `/api/api-keys/${made.id}/rotate`, {})).status).toBe(409);
    const bad = await svc.api<ErrorBody>('POST', `/api/api-keys/${again.body.id}/rotate`, {
      graceSeconds: -1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^invalid graceSeconds:/);
  });

  it('given the legacy key, when rotated, then the new key is peppered and the legacy one refused', async () => {
    const list = await svc.api<{ items: Listed[] }>('GET', '/api/api-keys');
    const legacy = list.body.items.find((i) => i.name === 'old admin') as Listed;
    const rotated = await svc.api<Issued>('POST', `/api/api-keys/${legacy.id}/rotate`, {});
    expect(rotated.body.role).toBe('admin');
    expect((await svc.api('GET', '/api/me', undefined, LEGACY_KEY)).status).toBe(401);
    const after = await eventually(
      () => svc.api<{ items: Listed[] }>('GET', '/api/api-keys'),
      (r) => r.body.items.some((i) => i.id === rotated.body.id),
    );
    expect(after.body.items.find((i) => i.id === rotated.body.id)?.legacy).toBe(false);
  });

  it('given SCIM tokens, then they are issued, rotated and revoked the same way, and an API key is no SCIM token', async () => {
    const made = await svc.api<Issued>('POST', '/api/scim-tokens', { name: 'okta' });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(new RegExp(`^scim_${made.body.id}_`));
    const scim = (token: string) =>
      fetch(`${svc.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await scim(made.body.key)).toBe(200);
    expect(await scim(ADMIN_KEY)).toBe(401);
    expect((await svc.api('GET', '/api/me', undefined, made.body.key)).status).toBe(401);
    const rotated = await svc.api<Issued>('POST', `/api/scim-tokens/${made.body.id}/rotate`, {});
    expect(await scim(made.body.key)).toBe(401);
    expect(await scim(rotated.body.key)).toBe(200);
    expect((await svc.api('DELETE', `/api/scim-tokens/${rotated.body.id}`)).status).toBe(200);
    expect(await scim(rotated.body.key)).toBe(401);
    // an API key's id is not a SCIM token's
    expect((await svc.api('DELETE', `/api/scim-tokens/${auditor.id}`)).status).toBe(404);
    const tokens = await svc.api<{ items: Listed[] }>(
      'GET',
      '/api/scim-tokens',
      undefined,
      auditor.key,
    );
    expect(tokens.status).toBe(200);
    expect(tokens.body.items.map((t) => t.name)).toContain('okta');
  });

  it("given a guest invited with a person's key, then the identity history names the key and the person behind it", async () => {
    // given a directory identity to sponsor the guest, and an admin key handed to Ada
    const sponsor = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'sponsor@acme.test',
      name: { givenName: 'Spon', familyName: 'Sor' },
      emails: [{ value: 'sponsor@acme.test', primary: true }],
      active: true,
    });
    expect(sponsor.status).toBe(201);
    const adaAdmin = (
      await svc.api<Issued>('POST', '/api/api-keys', {
        name: 'ada-admin',
        role: 'admin',
        person: ada,
      })
    ).body;
    // when she invites a guest
    const guest = await eventually(
      () =>
        svc.api<{ id: string }>(
          'POST',
          '/api/guests',
          {
            name: 'Gus Guest',
            email: 'gus@partner.test',
            kind: 'guest',
            sponsorIdentityId: sponsor.body.id,
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          },
          adaAdmin.key,
        ),
      (r) => r.status === 201,
      10_000,
    );
    // then
    type Entry = { actor: string; actorKeyId: string | null; actorPerson: unknown; type: string };
    const history = await eventually(
      () =>
        svc.api<{ items: Entry[] }>(
          'GET',
          `/api/identities/${guest.body.id}/history`,
          undefined,
          auditor.key,
        ),
      (r) => r.status === 200 && r.body.items.length > 0,
      10_000,
    );
    expect(history.body.items[0]).toMatchObject({
      actor: 'ada-admin',
      actorKeyId: adaAdmin.id,
      actorPerson: { name: ada.name, email: ada.email },
    });
  });
});

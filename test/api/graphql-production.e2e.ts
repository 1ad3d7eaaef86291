import { ADMIN_KEY, type ServiceHarness, startService } from '../support/service-harness';

interface GqlBody {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** What the schema must not give away, and what must not be fetched, with NODE_ENV=production. */
describe('GraphQL hardened for production (NODE_ENV=production, as docker-compose sets it)', () => {
  let svc: ServiceHarness;
  const post = async (query: string, token: string | null = ADMIN_KEY) => {
    const res = await fetch(`${svc.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as GqlBody };
  };

  beforeAll(async () => {
    svc = await startService({ businesses: [] }, { NODE_ENV: 'production' });
  });
  afterAll(async () => svc?.close());

  it('refuses introspection, with or without a key', async () => {
    for (const token of [ADMIN_KEY, null]) {
      const res = await post('{ __schema { types { name } } }', token);
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0].message).toMatch(/introspection is not allowed/);
      const type = await post('{ __type(name: "Member") { fields { name } } }', token);
      expect(type.body.errors?.[0].message).toMatch(/introspection is not allowed/);
    }
  });

  it('suggests no field names when a query misspells one', async () => {
    const res = await post('{ integrationz { id } integrations { idd } }');
    expect(res.status).toBe(400);
    const messages = res.body.errors?.map((e) => e.message) ?? [];
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).not.toMatch(/Did you mean/i);
    expect(JSON.stringify(res.body)).not.toMatch(/"integrations"|"id"/);
  });

  it('puts no stack trace in any error (validation, authentication, not found, bad argument)', async () => {
    const answers = [
      await post('{ integrationz { id } }'),
      await post('{ integrations { id } }', null),
      await post('{ integration(id: "00000000-0000-4000-8000-000000000000") { id } }'),
      await post('{ integration(id: "nope") { id } }'),
      await post('{ integrations { id'),
    ];
    for (const { body } of answers) {
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toMatch(/stacktrace|\bat [\w.]+ \(|node_modules|\.ts:\d+/);
    }
    expect(answers[2].body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(answers[3].body.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'id' },
    });
  });

  it('given a body that is not JSON, then a 400 that echoes nothing of it', async () => {
    for (const [type, body] of [
      ['application/json', '{"query": "{ integrations { id } }", secret-value'],
      ['text/plain', 'query=secret-value'],
    ]) {
      const res = await fetch(`${svc.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${ADMIN_KEY}` },
        body,
      });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/secret-value|stacktrace/);
    }
  });

  it('serves no landing page and references nothing on another host', async () => {
    const res = await fetch(`${svc.url}/graphql`, { headers: { accept: 'text/html' } });
    const text = await res.text();
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(text).not.toMatch(/<script|<link|https?:\/\//i);
  });
});

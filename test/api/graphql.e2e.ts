import { workspaceDecider, workspaceStream } from '@app/domain';
import { hashSecret } from '@app/governance';
import { CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import type { Collection, ReadModelStore } from '@app/readmodels';
import {
  eventually,
  memberIdsByFirstName,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from '../governance/fixture';

const OTHER_KEY = 'other-workspace-key-0123456789';

interface GqlError {
  message: string;
  path?: string[];
  extensions: { code: string; statusCode?: number; details?: unknown; stacktrace?: unknown };
}
interface GqlAnswer<T> {
  status: number;
  body: { data?: T | null; errors?: GqlError[] };
  correlationId: string | null;
}

/** Every field REST answers for a member: a GraphQL node must equal REST's item. */
const MEMBER_FIELDS = `
  id pinterestUserId name email businessRole status tab ambiguityCandidates discoveredAt updatedAt
  assets { assetId assetType name permissions }
  matchedIdentity { identityId how rule role matchedAt actor }
  exemption { reason actor at expiresAt }
  pendingAction { kind taskId requestedAt actor }
  invite { email status taskId }
  lastFailure { kind taskId at failure { kind message evidence } }
  account { status reason at }
  removal { taskId outcome observed afterInterruptedAttempt removedBy actor at }
  leaver leftAt`;

const MEMBERS_PAGE = `
  query Page($id: ID!, $tab: MemberTab!, $first: Int!, $after: String) {
    integration(id: $id) {
      members(tab: $tab, first: $first, after: $after) {
        nodes { ${MEMBER_FIELDS} }
        pageInfo { endCursor hasNextPage }
        totalCount
      }
    }
  }`;

interface MembersPage {
  integration: {
    members: {
      nodes: Record<string, unknown>[];
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
      totalCount: number;
    };
  };
}

async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = null,
  headers: Record<string, string> = {},
): Promise<GqlAnswer<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as GqlAnswer<T>['body'],
    correlationId: res.headers.get('x-correlation-id'),
  };
}

describe('GraphQL over the same services as REST (simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  const member: Record<string, string> = {};
  const gql = <T>(query: string, variables?: Record<string, unknown>, token?: string | null) =>
    graphql<T>(
      svc.url,
      query,
      variables,
      token === undefined ? 'test-admin-key-0123456789' : token,
    );

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness()));
    for (const email of ['bob@acme.example', 'carol@acme.example']) {
      const res = await svc.scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        name: { givenName: email.split('@')[0], familyName: 'Acme' },
        emails: [{ value: email, primary: true }],
        active: true,
      });
      expect(res.status).toBe(201);
    }
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'robot', ...AUTOMATION },
    });
    integrationId = connected.body.id;
    // given a check through GraphQL (the same service REST's route calls)
    const queued = await gql<{ checkForUpdates: { taskId: string } }>(
      'mutation($id: ID!) { checkForUpdates(integrationId: $id) { taskId } }',
      { id: integrationId },
    );
    const taskId = queued.body.data?.checkForUpdates.taskId;
    expect(taskId).toEqual(expect.any(String));
    await eventually(
      async () =>
        (await svc.api<{ status: string }>('GET', `/api/automation-tasks/${taskId}`)).body,
      (t) => t.status === 'completed',
      90_000,
    );
    // and the two directory people matched by the identity-matching saga
    await eventually(
      async () =>
        (
          await svc.api<{ memberCounts: { onboarded: number } }>(
            'GET',
            `/api/integrations/${integrationId}`,
          )
        ).body,
      (card) => card.memberCounts.onboarded === 2,
      30_000,
    );
    Object.assign(member, await memberIdsByFirstName(svc, integrationId));
    // and another workspace with its own key
    const executor = svc.app.get(CommandExecutor);
    const ctx = { workspaceId: 'other', actor: 'test' };
    await executor.execute(
      workspaceStream('other'),
      workspaceDecider,
      { type: 'CreateWorkspace', workspaceId: 'other', name: 'Other' },
      ctx,
    );
    await executor.execute(
      workspaceStream('other'),
      workspaceDecider,
      {
        type: 'IssueCredential',
        credentialId: 'other-key',
        kind: 'api_key',
        name: 'other admin',
        secretHash: hashSecret(OTHER_KEY),
      },
      ctx,
    );
    // A key written straight into the log works on every process within 2 s.
    await eventually(
      () => svc.api('GET', '/api/me', undefined, OTHER_KEY),
      (r) => r.status === 200,
      2_000,
    );
  }, 180_000);

  afterAll(async () => svc?.close());

  it('given the same tab and page size, when REST and GraphQL walk the cursors, then they give the same members in the same pages', async () => {
    // given one exempted member, so that every tab has someone
    const exempted = await gql<{
      exemptMember: { taskId: string | null; member: { tab: string } };
    }>(
      `mutation($i: ID!, $m: ID!) {
         exemptMember(integrationId: $i, memberId: $m, input: { reason: "  agency contractor " }) {
           taskId member { tab exemption { reason } }
         }
       }`,
      { i: integrationId, m: member.dan },
    );
    expect(exempted.body.errors).toBeUndefined();
    expect(exempted.body.data?.exemptMember).toEqual({
      taskId: null,
      member: { tab: 'exempted', exemption: { reason: 'agency contractor' } },
    });
    for (const [restTab, gqlTab] of [
      ['unmatched', 'UNMATCHED'],
      ['onboarded', 'ONBOARDED'],
      ['exempted', 'EXEMPTED'],
    ]) {
      // when REST walks the tab two by two
      const restPages: unknown[][] = [];
      let cursor: string | null = null;
      let counts: Record<string, number> = {};
      do {
        const query: string = `tab=${restTab}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await svc.api<{
          items: unknown[];
          nextCursor: string | null;
          counts: Record<string, number>;
        }>('GET', `/api/integrations/${integrationId}/members?${query}`);
        expect(res.status).toBe(200);
        restPages.push(res.body.items);
        cursor = res.body.nextCursor;
        counts = res.body.counts;
      } while (cursor);
      // and GraphQL walks it the same way
      const gqlPages: unknown[][] = [];
      let after: string | null = null;
      let hasNextPage = true;
      while (hasNextPage) {
        const res: GqlAnswer<MembersPage> = await gql<MembersPage>(MEMBERS_PAGE, {
          id: integrationId,
          tab: gqlTab,
          first: 2,
          after,
        });
        expect(res.body.errors).toBeUndefined();
        const page = res.body.data!.integration.members;
        expect(page.totalCount).toBe(counts[restTab]);
        gqlPages.push(page.nodes);
        ({ endCursor: after, hasNextPage } = page.pageInfo);
      }
      // then the pages are equal, field by field
      expect(gqlPages).toEqual(restPages);
      expect(gqlPages.flat()).toHaveLength(counts[restTab]);
      expect(counts[restTab]).toBeGreaterThan(0);
    }
  });

  it('answers the lists, a member and its identity like REST', async () => {
    const res = await gql<{
      integrations: { id: string; memberCounts: Record<string, number> }[];
      member: { name: string; identity: { userName: string; active: boolean } | null };
      automationTasks: { nodes: { kind: string; integration: { id: string } }[] };
    }>(
      `query($i: ID!, $m: ID!) {
        integrations { id memberCounts { unmatched onboarded exempted } }
        member(integrationId: $i, id: $m) { name identity { userName active } }
        automationTasks(first: 10) { nodes { kind integration { id } } }
      }`,
      { i: integrationId, m: member.bob },
    );
    expect(res.body.errors).toBeUndefined();
    const rest = await svc.api<{ items: { id: string; memberCounts: unknown }[] }>(
      'GET',
      '/api/integrations',
    );
    expect(res.body.data?.integrations).toEqual(
      rest.body.items.map((i) => ({ id: i.id, memberCounts: i.memberCounts })),
    );
    expect(res.body.data?.member).toEqual({
      name: 'Bob Stone',
      identity: { userName: 'bob@acme.example', active: true },
    });
    expect(res.body.data?.automationTasks.nodes).toContainEqual({
      kind: 'syncing_users',
      integration: { id: integrationId },
    });
  });

  it('given no key or a bad one, then every field is refused as UNAUTHENTICATED and nothing is appended', async () => {
    const before = await svc.head();
    for (const token of [null, 'not-a-key-at-all-0123']) {
      const read = await gql('{ integrations { id } }', {}, token);
      expect(read.body.data).toBeNull();
      expect(read.body.errors?.[0].extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        statusCode: 401,
      });
      const write = await gql(
        'mutation($i: ID!, $m: ID!) { unexemptMember(integrationId: $i, memberId: $m) { taskId } }',
        { i: integrationId, m: member.dan },
        token,
      );
      expect(write.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(await svc.head()).toBe(before);
  });

  it("given another workspace's key, then this workspace's integration, members and tasks are invisible", async () => {
    const lists = await gql<{ integrations: unknown[]; automationTasks: { nodes: unknown[] } }>(
      '{ integrations { id } automationTasks { nodes { id } } }',
      {},
      OTHER_KEY,
    );
    expect(lists.body.data).toEqual({ integrations: [], automationTasks: { nodes: [] } });
    for (const query of [
      'query($i: ID!) { integration(id: $i) { id } }',
      'query($i: ID!, $m: ID!) { member(integrationId: $i, id: $m) { id } }',
    ]) {
      const one = await gql(query, { i: integrationId, m: member.bob }, OTHER_KEY);
      expect(one.body.data).toBeNull();
      expect(one.body.errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    }
    const before = await svc.head();
    const write = await gql(
      'mutation($i: ID!, $m: ID!) { removeMember(integrationId: $i, memberId: $m) { taskId } }',
      { i: integrationId, m: member.eve },
      OTHER_KEY,
    );
    expect(write.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(await svc.head()).toBe(before);
  });

  it('answers bad input and refused actions with REST’s message and details, and appends nothing', async () => {
    const before = await svc.head();
    const cases: { rest: [string, string, unknown]; gql: string; vars: Record<string, unknown> }[] =
      [
        {
          rest: ['POST', `/members/${member.eve}/exempt`, { reason: '   ' }],
          gql: 'mutation($i: ID!, $m: ID!) { exemptMember(integrationId: $i, memberId: $m, input: { reason: "   " }) { taskId } }',
          vars: {},
        },
        {
          rest: [
            'PUT',
            `/members/${member.eve}/asset-permissions`,
            { assetId: '5003', permissions: ['NOPE'] },
          ],
          gql: 'mutation($i: ID!, $m: ID!) { changeAssetPermissions(integrationId: $i, memberId: $m, input: { assetId: "5003", permissions: ["NOPE"] }) { taskId } }',
          vars: {},
        },
        {
          // a domain refusal: Eve is not exempted (409 with the state)
          rest: ['POST', `/members/${member.eve}/unexempt`, undefined],
          gql: 'mutation($i: ID!, $m: ID!) { unexemptMember(integrationId: $i, memberId: $m) { taskId } }',
          vars: {},
        },
        {
          rest: ['POST', '/members/not-a-uuid/unexempt', undefined],
          gql: 'mutation($i: ID!) { unexemptMember(integrationId: $i, memberId: "not-a-uuid") { taskId } }',
          vars: {},
        },
      ];
    for (const c of cases) {
      const rest = await svc.api<{ statusCode: number; message: string; details?: unknown }>(
        c.rest[0],
        `/api/integrations/${integrationId}${c.rest[1]}`,
        c.rest[2],
      );
      const res = await gql(c.gql, { i: integrationId, m: member.eve, ...c.vars });
      expect(rest.status).toBeGreaterThanOrEqual(400);
      const error = res.body.errors?.[0];
      expect({ message: error?.message, extensions: error?.extensions }).toEqual({
        message: rest.body.message,
        extensions: {
          code: { 400: 'BAD_USER_INPUT', 404: 'NOT_FOUND', 409: 'CONFLICT' }[rest.status],
          statusCode: rest.status,
          ...(rest.body.details !== undefined ? { details: rest.body.details } : {}),
        },
      });
    }
    expect(await svc.head()).toBe(before);
  });

  it('given a malformed cursor or page size, then an error naming the argument', async () => {
    const bad = await gql<MembersPage>(MEMBERS_PAGE, {
      id: integrationId,
      tab: 'UNMATCHED',
      first: 2,
      after: 'garbage-cursor',
    });
    expect(bad.body.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'cursor' },
    });
    const wide = await gql<MembersPage>(MEMBERS_PAGE, {
      id: integrationId,
      tab: 'UNMATCHED',
      first: 501,
    });
    expect(wide.body.errors?.[0].message).toContain('first must be an integer from 1 to 500');
  });

  it('given two mutations in one request, then their events carry one correlation, echoed in x-correlation-id', async () => {
    const before = await svc.head();
    const res = await gql<unknown>(
      `mutation($i: ID!, $a: ID!, $b: ID!) {
         a: exemptMember(integrationId: $i, memberId: $a, input: { reason: "break glass" }) { taskId }
         b: exemptMember(integrationId: $i, memberId: $b, input: { reason: "service account" }) { taskId }
       }`,
      { i: integrationId, a: member.ann, b: member.eve },
    );
    expect(res.body.errors).toBeUndefined();
    const events = await svc.events({ eventTypes: ['MemberExempted'] }, before);
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.metadata.correlationId))).toEqual(
      new Set([res.correlationId]),
    );
  });

  it('given hundreds of aliased page reads, or pages nested in pages, then the query is refused before it runs', async () => {
    const aliases = Array.from(
      { length: 300 },
      (_, n) => `p${n}: members(first: 1) { nodes { id } }`,
    ).join('\n');
    const wide = await gql(`query($i: ID!) { integration(id: $i) { ${aliases} } }`, {
      i: integrationId,
    });
    expect(wide.status).toBe(400);
    expect(wide.body.data).toBeUndefined();
    expect(wide.body.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(wide.body.errors?.[0].message).toMatch(/costs \d+, more than the limit of 10000/);

    const nested = `query($i: ID!) { integration(id: $i) { automationTasks { nodes { integration {
      automationTasks { nodes { integration { automationTasks { nodes { integration { id } } } } } } } } } } }`;
    const deep = await gql(nested, { i: integrationId });
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(deep.body.errors?.[0].message).toContain('at most 8');

    // while a full page of 500 members with every field is served
    const full = await gql<MembersPage>(MEMBERS_PAGE, {
      id: integrationId,
      tab: 'UNMATCHED',
      first: 500,
    });
    expect(full.body.errors).toBeUndefined();
    // and two such pages in one request are not
    const twice = await gql(
      `query($id: ID!) { integration(id: $id) {
         a: members(first: 500) { nodes { ${MEMBER_FIELDS} } }
         b: members(first: 500) { nodes { ${MEMBER_FIELDS} } } } }`,
      { id: integrationId },
    );
    expect(twice.body.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('given a page of members with their identities, then the store is read a fixed number of times whatever the page length (no N+1)', async () => {
    const store = svc.app.get<ReadModelStore>(READ_MODEL_STORE);
    const calls: string[] = [];
    const collection = store.collection.bind(store);
    const counting = ((name: string) => {
      const real = collection(name);
      return {
        ...real,
        name,
        get: (id: string) => (calls.push(`${name}.get`), real.get(id)),
        getMany: (ids: readonly string[]) => (calls.push(`${name}.getMany`), real.getMany(ids)),
        find: (o?: Parameters<Collection['find']>[0]) => (calls.push(`${name}.find`), real.find(o)),
        count: (w?: Parameters<Collection['count']>[0]) => (
          calls.push(`${name}.count`),
          real.count(w)
        ),
      } as Collection;
    }) as ReadModelStore['collection'];
    const readsFor = async (first: number, tab: string) => {
      calls.length = 0;
      store.collection = counting;
      try {
        const res = await gql<MembersPage>(
          `query($i: ID!, $tab: MemberTab!, $first: Int!) { integration(id: $i) {
             members(tab: $tab, first: $first) { nodes { ${MEMBER_FIELDS} identity { userName } } totalCount }
           } }`,
          { i: integrationId, tab, first },
        );
        expect(res.body.errors).toBeUndefined();
        // Asset names come through a cache that lives across requests: at most one read.
        const assetReads = calls.filter((c) => c.startsWith('assets.'));
        expect(assetReads.length).toBeLessThanOrEqual(1);
        return {
          reads: calls.filter((c) => !c.startsWith('assets.')).sort(),
          rows: res.body.data!.integration.members.nodes.length,
        };
      } finally {
        store.collection = collection;
      }
    };
    const one = await readsFor(1, 'ONBOARDED');
    const all = await readsFor(50, 'ONBOARDED');
    expect([one.rows, all.rows]).toEqual([1, 2]);
    expect(all.reads).toEqual(one.reads);
    // one lookup of the identities for the whole page
    expect(all.reads.filter((r) => r.startsWith('identities.'))).toEqual(['identities.getMany']);
    expect(all.reads.length).toBeLessThanOrEqual(8);
    const wider = await readsFor(50, 'EXEMPTED');
    expect(wider.rows).toBeGreaterThan(1);
    expect(wider.reads.filter((r) => r.startsWith('members.'))).toEqual(['members.find']);
  });
});

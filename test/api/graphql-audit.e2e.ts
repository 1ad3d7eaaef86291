import {
  eventually,
  memberIdsByFirstName,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from '../governance/fixture';

/*
 * The seams of issues 8 and 9 in GraphQL: a tab as of an instant, the deprovision report,
 * access at an instant, a member's history and the access changes are answered by the same
 * services as REST. Each is walked page by page both ways over one scripted history, and the
 * pages must be equal field by field.
 */
const ADMIN_KEY = 'test-admin-key-0123456789';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

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

const REPORT_ITEM_FIELDS = `
  memberId name email identityId leftAt reason status blockedReason applyId removalTaskId
  removedAt verifiedAt verifiedRemovalSec announcedAt
  access { businessRole assets { assetId assetName assetType permissions } }
  lastError { kind message evidence }`;

const HISTORY_FIELDS = `
  position type occurredAt recordedAt actor actorKeyId actorPerson { name email } reason correlationId causationId summary data
  integrationId memberId`;

const ACCESS_FIELDS = `
  memberId name email tab businessRole permissions since sincePosition sinceBy sinceHow partnerId`;

interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}
interface GqlError {
  message: string;
  extensions: { code: string; statusCode?: number; details?: unknown };
}
interface Gql<T> {
  data?: T | null;
  errors?: GqlError[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GraphQL audit reads and the deprovision report answer like REST (simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  const member: Record<string, string> = {};
  const identity: Record<string, string> = {};
  /** Instants of the scripted history. */
  const t: Record<string, string> = {};

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<Gql<T>> {
    const res = await fetch(`${svc.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Gql<T>;
  }

  /** Every page of a REST list: `limit` rows a page, following nextCursor. */
  async function restWalk<P extends { items: unknown[]; nextCursor: string | null }>(
    path: string,
    query: string,
    limit: number,
  ): Promise<{ pages: unknown[][]; first: P }> {
    const pages: unknown[][] = [];
    let cursor: string | null = null;
    let first: P | undefined;
    do {
      const qs: string = `${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await svc.api<P>('GET', `${path}?${qs}`);
      expect({ path, qs, status: res.status }).toEqual({ path, qs, status: 200 });
      first ??= res.body;
      pages.push(res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return { pages, first: first! };
  }

  /** Every page of a GraphQL connection: `pick` finds it in the answer. */
  async function gqlWalk<C extends { nodes: unknown[]; pageInfo: PageInfo }>(
    query: string,
    variables: Record<string, unknown>,
    pick: (data: never) => C,
  ): Promise<{ pages: unknown[][]; first: C }> {
    const pages: unknown[][] = [];
    let after: string | null = null;
    let first: C | undefined;
    for (;;) {
      const res: Gql<unknown> = await gql(query, { ...variables, after });
      expect(res.errors).toBeUndefined();
      const connection: C = pick(res.data as never);
      first ??= connection;
      pages.push(connection.nodes);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    return { pages, first: first! };
  }

  const finished = (taskId: string) =>
    eventually(
      async () =>
        (await svc.api<{ status: string }>('GET', `/api/automation-tasks/${taskId}`)).body,
      (task) => task?.status === 'completed' || task?.status === 'not_completed',
      90_000,
    );

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness()));
    for (const [key, email] of [
      ['ann', 'ann.lee@acme.example'],
      ['bob', 'bob@acme.example'],
      ['carol', 'carol@acme.example'],
    ]) {
      const res = await svc.scim<{ id: string }>('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        emails: [{ value: email, primary: true }],
        active: true,
      });
      expect(res.status).toBe(201);
      identity[key] = res.body.id;
    }
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'robot', ...AUTOMATION },
    });
    integrationId = connected.body.id;
    const queued = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect((await finished(queued.body.taskId)).status).toBe('completed');
    await eventually(
      async () =>
        (
          await svc.api<{ memberCounts: { onboarded: number } }>(
            'GET',
            `/api/integrations/${integrationId}`,
          )
        ).body,
      (card) => card.memberCounts.onboarded === 3,
      30_000,
    );
    Object.assign(member, await memberIdsByFirstName(svc, integrationId));
    // Instants resolve to the last event recorded at or before them: keep the steps apart.
    await sleep(1100);
    t.matched = new Date().toISOString();
    await sleep(1100);

    // when the IdP deactivates Ann and Bob (two pending leavers), and Dan is exempted
    for (const key of ['ann', 'bob']) {
      const res = await svc.scim('PATCH', `/Users/${identity[key]}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });
      expect(res.status).toBe(200);
    }
    await eventually(
      async () =>
        (
          await svc.api<{ items: unknown[] }>(
            'GET',
            `/api/integrations/${integrationId}/deprovision-report?status=pending`,
          )
        ).body,
      (report) => report.items.length === 2,
      30_000,
    );
    const exempt = await svc.api(
      'POST',
      `/api/integrations/${integrationId}/members/${member.dan}/exempt`,
      { reason: 'agency contractor' },
    );
    expect(exempt.status).toBe(200);
    await sleep(1100);
    t.after = new Date().toISOString();
  }, 180_000);

  afterAll(() => svc?.close());

  it('gives the same tab as of an instant as REST’s ?asOf=, page by page, and the tab of then', async () => {
    const query = `query($id: ID!, $tab: MemberTab!, $asOf: String, $after: String) {
      integration(id: $id) {
        members(tab: $tab, asOf: $asOf, first: 1, after: $after) {
          nodes { ${MEMBER_FIELDS} } pageInfo { endCursor hasNextPage } totalCount
        }
      }
    }`;
    type Data = {
      integration: {
        members: { nodes: unknown[]; pageInfo: PageInfo; totalCount: number };
      };
    };
    const names: Record<string, string[]> = {};
    for (const [at, restTab, gqlTab] of [
      ['matched', 'onboarded', 'ONBOARDED'],
      ['matched', 'unmatched', 'UNMATCHED'],
      ['after', 'onboarded', 'ONBOARDED'],
      ['after', 'exempted', 'EXEMPTED'],
    ]) {
      const rest = await restWalk<{
        items: { name: string; leaver: boolean }[];
        nextCursor: string | null;
        counts: Record<string, number>;
      }>(`/api/integrations/${integrationId}/members`, `tab=${restTab}&asOf=${t[at]}`, 1);
      const graph = await gqlWalk(
        query,
        { id: integrationId, tab: gqlTab, asOf: t[at] },
        (d: Data) => d.integration.members,
      );
      expect(graph.pages).toEqual(rest.pages);
      expect(graph.first.totalCount).toBe(rest.first.counts[restTab]);
      names[`${at} ${restTab}`] = (rest.pages.flat() as { name: string; leaver: boolean }[]).map(
        (m) => `${m.name}${m.leaver ? ' (leaver)' : ''}`,
      );
    }
    // then the tabs are those of each instant, written by hand
    expect(names).toEqual({
      'matched onboarded': ['Ann Lee', 'Bob Stone', 'Carol Diaz'],
      'matched unmatched': ['Acme Robot', 'Dan Outsider', 'Eve Park'],
      'after onboarded': ['Ann Lee (leaver)', 'Bob Stone (leaver)', 'Carol Diaz'],
      'after exempted': ['Dan Outsider'],
    });
    // and a future instant is refused like REST refuses it, naming asOf
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const refused = await gql(query, { id: integrationId, tab: 'ONBOARDED', asOf: future });
    const rest = await svc.api<{ message: string; details: unknown }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=onboarded&asOf=${future}`,
    );
    expect(rest.status).toBe(400);
    expect(refused.errors?.[0]).toMatchObject({
      message: rest.body.message,
      extensions: { code: 'BAD_USER_INPUT', statusCode: 400, details: rest.body.details },
    });
  });

  it('gives the same deprovision report as REST, with counts and safeguard, and each leaver’s member and identity', async () => {
    const query = `query($id: ID!, $after: String) {
      integration(id: $id) {
        deprovisionReport(status: "pending", first: 1, after: $after) {
          nodes { ${REPORT_ITEM_FIELDS} member { id leaver } identity { id } }
          pageInfo { endCursor hasNextPage }
          counts { pending removing removed verified absent failed blocked reinstated
                   medianVerifiedRemovalSec maxVerifiedRemovalSec }
          safeguard { members leaversPending percent thresholdPercent exceeded }
          lastApply { applyId }
        }
      }
    }`;
    type Node = { memberId: string; member: unknown; identity: unknown };
    type Data = {
      integration: {
        deprovisionReport: {
          nodes: Node[];
          pageInfo: PageInfo;
          counts: unknown;
          safeguard: unknown;
          lastApply: unknown;
        };
      };
    };
    const rest = await restWalk<{
      items: { memberId: string; identityId: string; name: string }[];
      nextCursor: string | null;
      counts: unknown;
      safeguard: unknown;
      lastApply: unknown;
    }>(`/api/integrations/${integrationId}/deprovision-report`, 'status=pending', 1);
    const graph = await gqlWalk(
      query,
      { id: integrationId },
      (d: Data) => d.integration.deprovisionReport,
    );
    // then the items are REST's, field for field (the looked-up member and identity aside)
    const bare = graph.pages.map((page) =>
      (page as Node[]).map(({ member: _m, identity: _i, ...item }) => item),
    );
    expect(bare).toEqual(rest.pages);
    expect(graph.first.counts).toEqual(rest.first.counts);
    expect(graph.first.safeguard).toEqual(rest.first.safeguard);
    expect(graph.first.lastApply).toEqual(rest.first.lastApply);
    const restItems = rest.pages.flat() as { memberId: string; identityId: string; name: string }[];
    expect(restItems.map((i) => i.name).sort()).toEqual(['Ann Lee', 'Bob Stone']);
    expect(graph.pages.flat()).toEqual(
      restItems.map((i) =>
        expect.objectContaining({
          member: { id: i.memberId, leaver: true },
          identity: { id: i.identityId },
        }),
      ),
    );
  });

  it('gives the same access at an instant as REST, on an asset and on the business', async () => {
    const query = `query($id: ID!, $at: String, $assetId: String, $after: String) {
      integration(id: $id) {
        access(at: $at, assetId: $assetId, first: 2, after: $after) {
          at position assetId
          nodes { ${ACCESS_FIELDS} member { id name } }
          pageInfo { endCursor hasNextPage }
        }
      }
    }`;
    type Node = { memberId: string | null; name: string; member: { id: string } | null };
    type Data = {
      integration: {
        access: {
          at: string;
          position: string | null;
          assetId: string | null;
          nodes: Node[];
          pageInfo: PageInfo;
        };
      };
    };
    for (const [at, assetId] of [
      ['matched', '5001'],
      ['after', null],
    ] as const) {
      const qs = `at=${t[at]}${assetId ? `&assetId=${assetId}` : ''}`;
      const rest = await restWalk<{
        at: string;
        position: string | null;
        assetId: string | null;
        items: { memberId: string | null; name: string }[];
        nextCursor: string | null;
      }>(`/api/integrations/${integrationId}/access`, qs, 2);
      const graph = await gqlWalk(
        query,
        { id: integrationId, at: t[at], assetId },
        (d: Data) => d.integration.access,
      );
      expect(graph.pages.map((p) => (p as Node[]).map(({ member: _m, ...i }) => i))).toEqual(
        rest.pages,
      );
      expect({
        at: graph.first.at,
        position: graph.first.position,
        assetId: graph.first.assetId,
      }).toEqual({ at: rest.first.at, position: rest.first.position, assetId: rest.first.assetId });
      // each row's member, looked up once per request, is the member of that row
      for (const node of graph.pages.flat() as Node[]) {
        expect(node.member?.id ?? null).toBe(node.memberId);
      }
      expect(rest.pages.flat().length).toBeGreaterThan(0);
    }
    // Ann held ADMIN and ANALYST on Acme US (5001) once matched: written by hand
    const onAsset = await svc.api<{ items: { name: string; permissions: string[] }[] }>(
      'GET',
      `/api/integrations/${integrationId}/access?at=${t.matched}&assetId=5001`,
    );
    expect(onAsset.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Ann Lee', permissions: ['ADMIN', 'ANALYST'] }),
      ]),
    );
  });

  it('gives the same member history as REST, and the same access changes in a window', async () => {
    const history = `query($i: ID!, $m: ID!, $after: String) {
      member(integrationId: $i, id: $m) {
        id
        history(first: 2, after: $after) {
          position nodes { ${HISTORY_FIELDS} } pageInfo { endCursor hasNextPage }
        }
      }
    }`;
    type HistoryData = {
      member: { history: { position: string | null; nodes: unknown[]; pageInfo: PageInfo } };
    };
    const rest = await restWalk<{ items: { type: string }[]; nextCursor: string | null }>(
      `/api/integrations/${integrationId}/members/${member.ann}/history`,
      '',
      2,
    );
    const graph = await gqlWalk(
      history,
      { i: integrationId, m: member.ann },
      (d: HistoryData) => d.member.history,
    );
    expect(graph.pages).toEqual(rest.pages);
    const types = (rest.pages.flat() as { type: string }[]).map((e) => e.type);
    expect(types[0]).toBe('MemberDiscovered');
    expect(types[types.length - 1]).toBe('MemberBecameLeaver');

    const changes = `query($i: ID!, $from: String, $to: String, $after: String) {
      accessChanges(integrationId: $i, from: $from, to: $to, first: 1, after: $after) {
        from to position nodes { ${HISTORY_FIELDS} } pageInfo { endCursor hasNextPage }
      }
    }`;
    type ChangesData = {
      accessChanges: {
        from: string | null;
        to: string;
        position: string | null;
        nodes: unknown[];
        pageInfo: PageInfo;
      };
    };
    const windows: Record<string, unknown[]> = {};
    for (const [name, from] of [
      ['since matched', t.matched],
      ['from the start', null],
    ] as const) {
      const qs = `integrationId=${integrationId}${from ? `&from=${from}` : ''}&to=${t.after}`;
      const restChanges = await restWalk<{
        from: string | null;
        to: string;
        position: string | null;
        items: { type: string; memberId: string | null }[];
        nextCursor: string | null;
      }>(`/api/access-changes`, qs, 1);
      const graphChanges = await gqlWalk(
        changes,
        { i: integrationId, from, to: t.after },
        (d: ChangesData) => d.accessChanges,
      );
      expect(graphChanges.pages).toEqual(restChanges.pages);
      expect({
        from: graphChanges.first.from,
        to: graphChanges.first.to,
        position: graphChanges.first.position,
      }).toEqual({
        from: restChanges.first.from,
        to: restChanges.first.to,
        position: restChanges.first.position,
      });
      windows[name] = (restChanges.pages.flat() as { type: string; memberId: string | null }[]).map(
        (c) =>
          `${c.type} ${c.memberId === member.dan ? 'Dan' : c.memberId === member.ann ? 'Ann' : ''}`.trim(),
      );
    }
    // then the window since the matches holds Dan's exemption and nothing from before it
    expect(windows['since matched']).toEqual(['MemberExempted Dan']);
    expect(windows['from the start']).toEqual(
      expect.arrayContaining(['MemberDiscovered Ann', 'MemberMatched Ann', 'MemberExempted Dan']),
    );
  });
});

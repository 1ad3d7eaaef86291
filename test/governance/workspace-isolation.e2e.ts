import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import { personalDataOf } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import { cli } from '../actions/service-process';
import {
  ADMIN_KEY,
  eventually,
  finishedTask,
  SCIM_TOKEN,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

/**
 * Workspace isolation, tried on everything the service exposes: every route Express serves
 * (read from its router) and every GraphQL root field (read by introspection) is called with
 * workspace B's credentials, once naming workspace A's real ids and once naming ids nobody
 * has. The two answers must be the same (404 where a path names an id), B's answers must hold
 * nothing of A's, and A's log and views must not move. A route or field added later is
 * called too: it fails here until it keeps workspaces apart (or until the test learns which
 * of A's ids its parameter takes).
 */

/** The ids of one world: workspace A's real ones, or made-up ones of the same shapes. */
interface Ids {
  integrationId: string;
  memberId: string;
  taskId: string;
  accountId: string;
  identityId: string;
  exportId: string;
  guestId: string;
  keyId: string;
  scimTokenId: string;
  evidenceName: string;
  businessId: string;
  userName: string;
  automationEmail: string;
  /** The email of A's member (and identity) Bob: a person of A. */
  memberEmail: string;
}

/** A path parameter's value, by route: which of A's ids it names. */
const PATH_IDS: { prefix: string; param: string; id: keyof Ids }[] = [
  { prefix: '/api/integrations/', param: 'memberId', id: 'memberId' },
  { prefix: '/api/integrations/', param: 'id', id: 'integrationId' },
  { prefix: '/api/automation-tasks/', param: 'id', id: 'taskId' },
  { prefix: '/api/automation-tasks/', param: 'name', id: 'evidenceName' },
  { prefix: '/api/automation-accounts/', param: 'id', id: 'accountId' },
  { prefix: '/api/identities/', param: 'id', id: 'identityId' },
  { prefix: '/api/exports/', param: 'id', id: 'exportId' },
  { prefix: '/api/guests/', param: 'id', id: 'guestId' },
  { prefix: '/api/api-keys/', param: 'id', id: 'keyId' },
  { prefix: '/api/scim-tokens/', param: 'id', id: 'scimTokenId' },
  { prefix: '/scim/v2/Users/', param: 'id', id: 'identityId' },
];

/**
 * Routes that hold no workspace's data, and why: they are answered the same to every
 * workspace (checked below), or are not reached with a workspace's credentials at all.
 */
const SHARED: Record<string, string> = {
  'GET /health': 'process status, no credentials',
  'GET /health/live': 'process status, no credentials',
  'GET /health/ready': 'process status, no credentials',
  'GET /api/status': "the process's stores, projections and worker lease: no workspace's data",
  'GET /metrics':
    "the process's metrics, behind METRICS_TOKEN when set, no workspace's credentials",
  'GET /oauth/pinterest/callback': "Pinterest's redirect: its single-use state names the workspace",
  'GET /scim/v2/ServiceProviderConfig': 'SCIM server metadata (RFC 7644 §5)',
  'GET /scim/v2/Schemas': 'SCIM server metadata',
  'GET /scim/v2/Schemas/:id': 'SCIM server metadata',
  'GET /scim/v2/ResourceTypes': 'SCIM server metadata',
  'GET /scim/v2/ResourceTypes/:id': 'SCIM server metadata',
};
const SHARED_IDS: Record<string, string> = {
  'GET /scim/v2/Schemas/:id': 'urn:ietf:params:scim:schemas:core:2.0:User',
  'GET /scim/v2/ResourceTypes/:id': 'User',
};
const NOT_SERVICE = [/^\/api\/docs/, /^\/graphql$/];

const STARTED = new Date().toISOString();
const SECOND_BUSINESS = '987000000000000001';
const FAR = new Date(Date.now() + 30 * 86_400_000).toISOString();
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * A plausible request per route (query string and body, `{name}` standing for an id of
 * `Ids`), so that it reaches the lookups instead of stopping at validation. A route not
 * listed is called with no query and `{}`.
 */
const REQUESTS: Record<string, { query?: string; body?: unknown; more?: unknown[] }> = {
  'POST /api/integrations': {
    body: {
      label: 'Workspace B copy',
      businessId: '{businessId}',
      loginMethod: 'password',
      automationAccount: { label: 'B robot', email: '{automationEmail}', password: 'pw-b-1' },
    },
    // another business, with the automation account of A's integration named by its id
    more: [
      {
        label: 'B other',
        businessId: '555000000000000002',
        automationAccount: { id: '{accountId}' },
      },
    ],
  },
  'GET /api/integrations/:id/members': { query: 'tab=onboarded' },
  'POST /api/integrations/:id/members/:memberId/match': {
    body: { identityId: '{identityId}', role: 'owner' },
  },
  'POST /api/integrations/:id/members/:memberId/exempt': { body: { reason: 'agency' } },
  'PUT /api/integrations/:id/members/:memberId/business-role': { body: { role: 'employee' } },
  'PUT /api/integrations/:id/members/:memberId/asset-permissions': {
    body: { assetId: '5001', permissions: ['ANALYST'] },
  },
  'POST /api/integrations/:id/members/:memberId/connect-account': {
    body: { email: 'someone@acme.example', password: 'pw-b-2' },
  },
  'POST /api/automation-accounts/:id/connect': {
    body: { email: 'someone@acme.example', password: 'pw-b-3' },
  },
  'GET /api/automation-tasks': { query: 'integrationId={integrationId}' },
  'POST /api/integrations/:id/deprovision-report/apply': { body: { dryRun: true } },
  'GET /api/access-changes': { query: 'integrationId={integrationId}&memberId={memberId}' },
  'POST /api/exports': {
    body: {
      kind: 'member_history',
      params: { integrationId: '{integrationId}', memberId: '{memberId}' },
      format: 'ndjson',
    },
  },
  'PUT /api/settings/notifications': { body: { emails: ['security@b.example'] } },
  'POST /api/guests': {
    body: {
      name: 'Gus Guest',
      email: 'gus@b.example',
      kind: 'guest',
      sponsorIdentityId: '{identityId}',
      expiresAt: FAR,
    },
  },
  'GET /api/identities': { query: 'search={userName}' },
  'POST /scim/v2/Users': {
    body: { schemas: [USER], userName: '{userName}', emails: [{ value: '{userName}' }] },
  },
  'GET /scim/v2/Users': { query: 'filter=userName%20eq%20%22{userName}%22' },
  'PUT /scim/v2/Users/:id': {
    body: { schemas: [USER], userName: '{userName}', active: false },
  },
  'PATCH /scim/v2/Users/:id': {
    body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
  },
  // A's member and identity by their email: in B that email is another person (or nobody), so
  // B's erasure must leave every field of A's readable and A's copies untouched. (Not A's
  // userName: the SCIM routes give B an identity of that name, whose erasure would free it.)
  'POST /api/people/erase': { body: { email: '{memberEmail}', reason: 'leaver of workspace B' } },
};

/** A GraphQL argument's value by its name (`{name}` stands for an id of `Ids`). */
const GQL_ARGS: Record<string, unknown> = {
  integrationId: '{integrationId}',
  memberId: '{memberId}',
  identityId: '{identityId}',
  reason: 'agency',
  assetId: '5001',
  permissions: ['ANALYST'],
  email: 'someone@acme.example',
  password: 'pw-b-4',
  // a fixed end, so that two answers computed a moment apart can be compared
  to: STARTED,
};
/** `id` means a different id on each root field. */
const GQL_ID_OF_FIELD: Record<string, keyof Ids> = {
  integration: 'integrationId',
  member: 'memberId',
};
interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}
interface SchemaType {
  kind: string;
  name: string;
  fields: { name: string; args: InputValue[]; type: TypeRef }[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}
const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
const INTROSPECTION = `{ __schema {
  queryType { name } mutationType { name }
  types { kind name enumValues { name }
    fields { name type { ${TYPE_REF} } args { name defaultValue type { ${TYPE_REF} } } }
    inputFields { name defaultValue type { ${TYPE_REF} } } } } }`;

const named = (t: TypeRef): TypeRef => (t.ofType ? named(t.ofType) : t);
/** Given always: non-null and without a default. */
const required = (v: InputValue): boolean => v.type.kind === 'NON_NULL' && v.defaultValue === null;

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}
interface Answer {
  status: number;
  body: unknown;
}
interface Task {
  id: string;
  status: string;
}

/**
 * An answer's stamps of the moment it was computed (the log's head and the instant asked for,
 * by default now): they move with anyone's events, A's facts do not.
 */
function withoutNow(this: unknown, key: string, value: unknown): unknown {
  const top = this !== null && typeof this === 'object' && 'items' in this;
  return top && ['position', 'at', 'to'].includes(key) ? undefined : value;
}

/** `{name}` in a template → that id of the world. */
function fill(text: string, ids: Ids): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in ids ? ids[name as keyof Ids] : whole,
  );
}

/** An answer with each id of the world written as its name: comparable across worlds. */
function normalized(value: unknown, ids: Ids, own?: Ids): string {
  let text = JSON.stringify(value);
  for (const [name, id] of Object.entries(own ?? {})) text = text.split(id).join(`<own ${name}>`);
  for (const [name, id] of Object.entries(ids)) text = text.split(id).join(`<${name}>`);
  return text;
}

/** The shape of a value (keys and types), for answers that create something new each time. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  return value === null ? 'null' : typeof value;
}

describe('workspace isolation (every route of the router, every GraphQL field, SCIM)', () => {
  let svc: ServiceHarness;
  const A = {} as Ids;
  const unknown: Ids = {
    integrationId: randomUUID(),
    memberId: randomUUID(),
    taskId: randomUUID(),
    accountId: randomUUID(),
    identityId: randomUUID(),
    exportId: randomUUID(),
    guestId: randomUUID(),
    keyId: randomUUID(),
    scimTokenId: randomUUID(),
    evidenceName: 'screenshot.png',
    businessId: '987650000000000001',
    userName: 'nobody.here@acme.example',
    automationEmail: 'robot.nowhere@acme.example',
    memberEmail: 'nobody.member@acme.example',
  };
  /** Strings only workspace A holds: none may appear in an answer to B. */
  let markers: string[];
  let B: { workspaceId: string; adminKey: string; scimToken: string };

  async function call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    scim = path.startsWith('/scim/'),
  ): Promise<Answer> {
    const res = await fetch(svc.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined
          ? { 'content-type': scim ? 'application/scim+json' : 'application/json' }
          : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // NDJSON or CSV (an export's content): compared as text
    }
    return { status: res.status, body: parsed };
  }

  const finished = (taskId: string) =>
    finishedTask<Task>(svc, taskId, 120_000, ['completed', 'not_completed', 'failed']);

  async function settle(): Promise<void> {
    await svc.app.get(ProjectionRunner).waitFor(await svc.head(), 30_000);
  }

  /** Every route Express serves: `METHOD /path/:param`. */
  function routes(): string[] {
    const express = svc.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
    const out = new Set<string>();
    for (const layer of express.router.stack) {
      if (!layer.route) continue;
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        if (NOT_SERVICE.some((re) => re.test(path))) continue;
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== 'head') out.add(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    return [...out].sort();
  }

  /** The route's request in one world: path with that world's ids, query and body. */
  function request(
    route: string,
    ids: Ids,
    variant = 0,
    pathIds: Ids = ids,
    ownLeading?: { own: Ids; count: number },
  ): { method: string; path: string; body?: unknown } {
    const [method, template] = route.split(' ');
    let index = 0;
    const path = template.replace(/:(\w+)/g, (_whole, param: string) => {
      // The first `count` parameters from B's own things (its integration), the rest from `ids`.
      const from = ownLeading && index++ < ownLeading.count ? ownLeading.own : pathIds;
      const known = PATH_IDS.find((p) => template.startsWith(p.prefix) && p.param === param);
      if (!known)
        throw new Error(
          `${route}: which of workspace A's ids goes in :${param}? Add it to PATH_IDS`,
        );
      return encodeURIComponent(from[known.id]);
    });
    const spec = REQUESTS[route] ?? {};
    const bodyTemplate = variant === 0 ? (spec.body ?? {}) : spec.more![variant - 1];
    const body =
      method === 'GET' || method === 'DELETE'
        ? undefined
        : JSON.parse(fill(JSON.stringify(bodyTemplate), ids));
    return { method, path: spec.query ? `${path}?${fill(spec.query, ids)}` : path, body };
  }

  /** A's side of things, read with A's key: what must not move while B knocks. */
  async function viewsOfA(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const route of routes()) {
      if (!route.startsWith('GET ') || SHARED[route]) continue;
      const { path } = request(route, A);
      const token = path.startsWith('/scim/') ? SCIM_TOKEN : ADMIN_KEY;
      const answer = await call('GET', path, token);
      out[route] = `${answer.status} ${JSON.stringify(answer.body, withoutNow)}`;
    }
    return out;
  }

  async function graphql(token: string, query: string): Promise<Answer> {
    const res = await fetch(`${svc.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: await res.json() };
  }

  /**
   * One operation per root field of Query and Mutation, read from the schema: its arguments
   * from GQL_ARGS (required ones always, optional ones when known), and every field of its
   * answer that takes no argument, three levels down.
   */
  async function rootFields(): Promise<{ field: string; hasId: boolean; operation: string }[]> {
    const schema = (
      (await graphql(ADMIN_KEY, INTROSPECTION)).body as {
        data: {
          __schema: {
            queryType: { name: string };
            mutationType: { name: string } | null;
            types: SchemaType[];
          };
        };
      }
    ).data.__schema;
    const types = new Map(schema.types.map((t) => [t.name, t]));
    const literal = (value: unknown): string =>
      Array.isArray(value)
        ? `[${value.map(literal).join(', ')}]`
        : typeof value === 'object' && value !== null
          ? `{ ${Object.entries(value)
              .map(([k, v]) => `${k}: ${literal(v)}`)
              .join(', ')} }`
          : JSON.stringify(value);
    const valueOf = (arg: InputValue, field: string): unknown => {
      const def = types.get(named(arg.type).name ?? '');
      if (arg.name === 'id' && GQL_ID_OF_FIELD[field]) return `{${GQL_ID_OF_FIELD[field]}}`;
      if (GQL_ARGS[arg.name] !== undefined) return GQL_ARGS[arg.name];
      if (def?.kind === 'ENUM') return { enum: def.enumValues![0].name };
      if (def?.kind === 'INPUT_OBJECT') {
        const entries = (def.inputFields ?? [])
          .filter((f) => required(f) || GQL_ARGS[f.name] !== undefined)
          .map((f) => [f.name, valueOf(f, field)]);
        return Object.fromEntries(entries);
      }
      throw new Error(`GraphQL ${field}(${arg.name}): no plausible value; add one to GQL_ARGS`);
    };
    const selection = (typeName: string, depth: number): string => {
      const def = types.get(typeName);
      if (!def || (def.kind !== 'OBJECT' && def.kind !== 'INTERFACE')) return '';
      const parts = ['__typename'];
      for (const f of def.fields ?? []) {
        if (f.args.length > 0) continue;
        const inner = named(f.type);
        if (inner.kind === 'OBJECT' || inner.kind === 'INTERFACE') {
          if (depth > 1) parts.push(`${f.name} ${selection(inner.name!, depth - 1)}`);
        } else parts.push(f.name);
      }
      return `{ ${parts.join(' ')} }`;
    };
    const out: { field: string; hasId: boolean; operation: string }[] = [];
    for (const [keyword, root] of [
      ['query', schema.queryType.name],
      ['mutation', schema.mutationType?.name],
    ] as const) {
      if (!root) continue;
      for (const f of types.get(root)?.fields ?? []) {
        const given = f.args.filter((a) => required(a) || GQL_ARGS[a.name] !== undefined);
        const args = given.map((a) => `${a.name}: ${literal(valueOf(a, f.name))}`);
        // enum values are written bare
        const argText = args.join(', ').replace(/\{ enum: "(\w+)" \}/g, '$1');
        // A required id names the thing asked for (NOT_FOUND); an optional one only filters.
        const hasId = given.some(
          (a) => required(a) && /\{(integrationId|memberId)\}/.test(literal(valueOf(a, f.name))),
        );
        out.push({
          field: `${keyword} ${f.name}`,
          hasId,
          operation: `${keyword} { ${f.name}${argText ? `(${argText})` : ''} ${selection(named(f.type).name!, 3)} }`,
        });
      }
    }
    return out;
  }

  let own: Promise<{ ownOfB: Ids; ownOnly: Ids }> | undefined;
  /** B's own integration (another business), checked, with a member and an identity: once. */
  function ownThingsOfB(): Promise<{ ownOfB: Ids; ownOnly: Ids }> {
    own ??= (async () => {
      const ownIntegration = await call('POST', '/api/integrations', B.adminKey, {
        label: 'B own',
        businessId: SECOND_BUSINESS,
        loginMethod: 'password',
        automationAccount: { label: 'B own robot', ...AUTOMATION },
      });
      expect(ownIntegration.status).toBe(201);
      const ownIntegrationId = (ownIntegration.body as { id: string }).id;
      const queued = await call(
        'POST',
        `/api/integrations/${ownIntegrationId}/check-for-updates`,
        B.adminKey,
        {},
      );
      const ownTask = (queued.body as { taskId: string }).taskId;
      await eventually(
        async () => (await call('GET', `/api/automation-tasks/${ownTask}`, B.adminKey)).body,
        (t) => (t as Task).status === 'completed',
        120_000,
      );
      const ownMembers = await eventually(
        async () =>
          (
            await call(
              'GET',
              `/api/integrations/${ownIntegrationId}/members?tab=unmatched`,
              B.adminKey,
            )
          ).body as { items: { id: string; name: string }[] },
        (page) => page.items.length > 1,
      );
      const ownIdentity = await call('POST', '/scim/v2/Users', B.scimToken, {
        schemas: [USER],
        // the email of a member still unmatched in A: the matcher must stay in B
        userName: 'carol@acme.example',
        emails: [{ value: 'carol@acme.example' }],
      });
      expect(ownIdentity.status).toBe(201);
      const ownOfB: Ids = {
        ...unknown,
        integrationId: ownIntegrationId,
        memberId: ownMembers.items.find((m) => m.name === 'Ann Lee')!.id,
        taskId: ownTask,
        identityId: (ownIdentity.body as { id: string }).id,
        accountId: (
          (await call('GET', '/api/automation-accounts', B.adminKey)).body as {
            items: { id: string }[];
          }
        ).items[0].id,
      };
      // B's own ids, written apart when normalizing answers
      const ownOnly = Object.fromEntries(
        Object.entries(ownOfB).filter(([k, v]) => unknown[k as keyof Ids] !== v),
      ) as unknown as Ids;
      return { ownOfB, ownOnly };
    })();
    return own;
  }

  /** The ids in the names of A's streams (its integration, members, identities, tasks …). */
  let streamIdsOfA: string[];
  /** A's events: recorded for workspace A, or on one of A's streams whoever recorded them. */
  const eventsOfA = async (): Promise<RecordedEvent[]> =>
    (await svc.events()).filter(
      (e) =>
        e.metadata.workspaceId === 'default' || streamIdsOfA.some((id) => e.stream.endsWith(id)),
    );

  /**
   * A's copies under DATA_DIR outside the stores, by path, with a digest of their bytes: the
   * snapshots and evidence its tasks name, its notifications' outbox files, the erasure marks
   * of its exports (absent while none of them is erased).
   */
  async function copiesOfA(): Promise<Record<string, string>> {
    const files = new Set<string>();
    const evidenceIn = (value: unknown, key: string | null): void => {
      if (Array.isArray(value)) {
        for (const v of value)
          if (key === 'evidence' && typeof v === 'string') {
            const folder = dirname(v);
            if (existsSync(folder)) for (const f of readdirSync(folder)) files.add(join(folder, f));
          } else evidenceIn(v, key);
      } else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) evidenceIn(v, k);
    };
    for (const e of await svc.events()) {
      if (e.metadata.workspaceId !== 'default') continue;
      const d = e.data as {
        snapshot?: { sha256: string };
        notificationId?: string;
        exportId?: string;
      };
      if (d.snapshot) {
        files.add(join(svc.dataDir, 'snapshots', `${d.snapshot.sha256}.json.gz`));
        files.add(join(svc.dataDir, 'snapshots', `${d.snapshot.sha256}.erased.json`));
      }
      if (e.type === 'NotificationQueued')
        files.add(join(svc.dataDir, 'outbox', `${d.notificationId}.eml`));
      if (e.type === 'EvidenceExportRequested')
        files.add(join(svc.dataDir, 'erasure', 'exports', `${d.exportId}.json`));
      evidenceIn(e.data, null);
    }
    const out: Record<string, string> = {};
    for (const file of [...files].sort())
      out[file] =
        existsSync(file) && statSync(file).isFile()
          ? createHash('sha256').update(readFileSync(file)).digest('hex')
          : 'absent';
    return out;
  }

  /** Projections caught up, and time for the sagas those events start to act. */
  async function quiet(): Promise<void> {
    await settle();
    await new Promise((r) => setTimeout(r, 2_000));
    await settle();
  }

  beforeAll(async () => {
    svc = await startService(
      fixtureOf(trickyBusiness(), trickyBusiness({ id: SECOND_BUSINESS, name: 'Second' })),
    );
    // Workspace A (the default one) gets one of everything a workspace holds, through the
    // same routes its users take: identities, an integration with its automation account, a
    // check, matched and exempted members, a leaver with a report item, a notification, an
    // export and a guest.
    const identity: Record<string, string> = {};
    for (const [key, email] of [
      ['ann', 'ann.lee@acme.example'],
      ['bob', 'bob@acme.example'],
      ['robot', AUTOMATION.email],
    ]) {
      const res = await svc.scim<{ id: string }>('POST', '/Users', {
        schemas: [USER],
        userName: email,
        emails: [{ value: email, primary: true }],
        active: true,
      });
      expect(res.status).toBe(201);
      identity[key] = res.body.id;
    }
    expect(
      (await svc.api('PUT', '/api/settings/notifications', { emails: ['security@a-corp.example'] }))
        .status,
    ).toBe(200);
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme of workspace A',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'A robot', ...AUTOMATION },
    });
    expect(connected.status).toBe(201);
    const integrationId = connected.body.id;
    const check = async () => {
      const queued = await svc.api<{ taskId: string }>(
        'POST',
        `/api/integrations/${integrationId}/check-for-updates`,
      );
      expect((await finished(queued.body.taskId)).status).toBe('completed');
      return queued.body.taskId;
    };
    await check();
    await eventually(
      async () =>
        (
          await svc.api<{ memberCounts: { onboarded: number } }>(
            'GET',
            `/api/integrations/${integrationId}`,
          )
        ).body,
      (card) => card.memberCounts.onboarded >= 2,
    );
    const members = new Map<string, string>();
    for (const tab of ['unmatched', 'onboarded']) {
      const page = await svc.api<{ items: { id: string; name: string }[] }>(
        'GET',
        `/api/integrations/${integrationId}/members?tab=${tab}`,
      );
      for (const m of page.body.items) members.set(m.name, m.id);
    }
    const bob = members.get('Bob Stone')!;
    const dan = members.get('Dan Outsider')!;
    expect(
      (
        await svc.api('POST', `/api/integrations/${integrationId}/members/${dan}/exempt`, {
          reason: 'agency',
        })
      ).status,
    ).toBe(200);
    // Bob leaves: a report item, then an email about it after the next check
    expect(
      (
        await svc.scim('PATCH', `/Users/${identity.bob}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        })
      ).status,
    ).toBe(200);
    await eventually(
      async () =>
        (
          await svc.api<{ items: unknown[] }>(
            'GET',
            `/api/integrations/${integrationId}/deprovision-report?status=pending`,
          )
        ).body.items.length,
      (n) => n === 1,
    );
    const taskId = await check();
    const notification = await eventually(
      async () =>
        (await svc.api<{ items: { id: string; status: string }[] }>('GET', '/api/notifications'))
          .body.items,
      (items) => items.length === 1 && !['queued', 'retrying'].includes(items[0].status),
    );
    const exported = await svc.api<{ id: string }>('POST', '/api/exports', {
      kind: 'member_history',
      params: { integrationId, memberId: bob },
      format: 'ndjson',
    });
    expect(exported.status).toBe(201);
    const guest = await svc.api<{ id: string }>('POST', '/api/guests', {
      name: 'Gina Guest',
      email: 'gina@partner-a.example',
      kind: 'guest',
      sponsorIdentityId: identity.ann,
      expiresAt: FAR,
    });
    expect(guest.status).toBe(201);
    const key = await svc.api<{ id: string }>('POST', '/api/api-keys', {
      name: 'auditor of A',
      role: 'auditor',
      person: { name: 'Aude Auditor', email: 'aude@a-corp.example' },
    });
    expect(key.status).toBe(201);
    const scimToken = await svc.api<{ id: string }>('POST', '/api/scim-tokens', {
      name: 'okta of A',
    });
    expect(scimToken.status).toBe(201);
    // A real name of A's task when it kept evidence; a plausible one otherwise.
    const evidence = await svc.api<{ items: { name: string }[] }>(
      'GET',
      `/api/automation-tasks/${taskId}/evidence`,
    );
    const accounts = await svc.api<{ items: { id: string }[] }>('GET', '/api/automation-accounts');
    Object.assign(A, {
      integrationId,
      memberId: bob,
      taskId,
      accountId: accounts.body.items[0].id,
      identityId: identity.ann,
      exportId: exported.body.id,
      guestId: guest.body.id,
      keyId: key.body.id,
      scimTokenId: scimToken.body.id,
      evidenceName: evidence.body.items?.[0]?.name ?? 'screenshot.png',
      businessId: BUSINESS_ID,
      userName: 'ann.lee@acme.example',
      automationEmail: AUTOMATION.email,
      memberEmail: 'bob@acme.example',
    } satisfies Ids);
    markers = [
      ...new Set([
        // An evidence file's name is a generic word B sends itself (an answer may echo it).
        ...Object.values(A).filter(
          (v) => v !== BUSINESS_ID && v !== A.evidenceName && !v.includes('@'),
        ),
        identity.bob,
        identity.robot,
        dan,
        notification[0].id,
        'Acme of workspace A',
        'security@a-corp.example',
        'gina@partner-a.example',
        'aude@a-corp.example',
        'Aude Auditor',
      ]),
    ];
    const tasks = await svc.api<{ items: { id: string }[] }>('GET', '/api/automation-tasks');
    streamIdsOfA = [
      integrationId,
      ...members.values(),
      ...Object.values(identity),
      ...tasks.body.items.map((t) => t.id),
      A.accountId,
      A.guestId,
      notification[0].id,
    ];
    await settle();
  }, 400_000);

  afterAll(async () => svc?.close());

  it('given a running service, when an operator creates workspace B with the CLI, then its admin key and SCIM token work on the running service within 2 s', async () => {
    // when
    const created = await cli(svc.dataDir, ['workspaces', 'create', '--name', 'Workspace B'], {
      LOG_LEVEL: 'log',
    });
    const exitedAt = Date.now();

    // then stdout holds the one JSON object and nothing else
    expect(created.status).toBe(0);
    const lines = created.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    B = JSON.parse(lines[0]) as typeof B;
    expect(Object.keys(B).sort()).toEqual(['adminKey', 'scimToken', 'workspaceId']);
    expect(B.adminKey).not.toBe(B.scimToken);
    // and both credentials are accepted by the running service within 2 s
    const keyWorks = await eventually(
      () => call('GET', '/api/integrations', B.adminKey),
      (a) => a.status === 200,
      5_000,
    );
    const keyMs = Date.now() - exitedAt;
    const scimWorks = await eventually(
      () => call('GET', '/scim/v2/Users', B.scimToken),
      (a) => a.status === 200,
      5_000,
    );
    expect(keyMs).toBeLessThan(2_000);
    expect(Date.now() - exitedAt).toBeLessThan(2_000);
    expect(keyWorks.body).toEqual({ items: [] });
    expect(scimWorks.body).toMatchObject({ totalResults: 0, Resources: [] });
    // and neither works in the other's place
    expect((await call('GET', '/api/integrations', B.scimToken)).status).toBe(401);
    expect((await call('GET', '/scim/v2/Users', B.adminKey)).status).toBe(401);

    // when the operator lists the workspaces
    const listed = await cli(svc.dataDir, ['workspaces', 'list']);
    expect(listed.status).toBe(0);
    const list = JSON.parse(listed.stdout) as Record<string, string>[];
    // then both are there with id, name and creation time, and no credential
    expect(list.map((w) => [w.workspaceId, w.name])).toEqual([
      ['default', 'Default workspace'],
      [B.workspaceId, 'Workspace B'],
    ]);
    for (const w of list) {
      expect(Object.keys(w).sort()).toEqual(['createdAt', 'name', 'workspaceId']);
      expect(Number.isNaN(Date.parse(w.createdAt))).toBe(false);
    }
    expect(listed.stdout).not.toContain(B.adminKey);
    expect(listed.stdout).not.toContain(B.scimToken);
    // and the log holds no secret, only the credentials' hashes
    const log = JSON.stringify(await svc.events({ categories: ['workspace'] }));
    expect(log).not.toContain(B.adminKey);
    expect(log).not.toContain(B.scimToken);
  }, 120_000);

  it('given a name with a bidirectional override, when `workspaces create` is run, then it is refused naming the field and nothing is appended', async () => {
    const before = await svc.head();
    const refused = await cli(svc.dataDir, ['workspaces', 'create', '--name', 'Acme\u202eEU']);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^name must not contain control or bidirectional/);
    expect(await svc.head()).toBe(before);
  }, 60_000);

  it("given workspace A with one of everything, when workspace B calls every route naming A's ids, then each answers as for ids nobody has (404 on a path id), nothing of A shows, and A does not change", async () => {
    expect(B).toBeDefined();
    const served = routes();
    // The router is really read: the routes of every release are there.
    expect(served).toEqual(
      expect.arrayContaining([
        'GET /api/integrations/:id/members/:memberId',
        'GET /api/exports/:id/content',
        'DELETE /api/guests/:id',
        'PATCH /scim/v2/Users/:id',
      ]),
    );
    expect(served.length).toBeGreaterThan(35);
    // given A's state
    const viewsBefore = await viewsOfA();
    const eventsBefore = (await eventsOfA()).length;

    // and B's own things
    const { ownOfB, ownOnly } = await ownThingsOfB();
    await settle();

    const mismatches: unknown[] = [];
    const checked: string[] = [];
    for (const route of served) {
      if (SHARED[route]) {
        if (route.startsWith('GET /scim/')) {
          // the same for both workspaces
          const path = route.split(' ')[1].replace(':id', SHARED_IDS[route] ?? '');
          const toA = await call('GET', path, SCIM_TOKEN);
          const toB = await call('GET', path, B.scimToken);
          expect({ route, status: toB.status, body: toB.body }).toEqual({
            route,
            status: toA.status,
            body: toA.body,
          });
        }
        continue;
      }
      const token = route.includes(' /scim/') ? B.scimToken : B.adminKey;
      for (let variant = 0; variant <= (REQUESTS[route]?.more?.length ?? 0); variant++) {
        // when B asks about ids nobody has, then about A's
        const none = request(route, unknown, variant);
        const naming = request(route, A, variant);
        const toNone = await call(none.method, none.path, token, none.body);
        const toA = await call(naming.method, naming.path, token, naming.body);
        const hasPathId = route.includes('/:');
        const same =
          toA.status === toNone.status &&
          (toA.status >= 200 && toA.status < 300
            ? JSON.stringify(shape(toA.body)) === JSON.stringify(shape(toNone.body))
            : normalized(toA.body, A) === normalized(toNone.body, unknown));
        // What B named itself may be echoed (an error names the id asked for); nothing else.
        const asked = naming.path + JSON.stringify(naming.body ?? null);
        const leaked = markers.filter(
          (m) => !asked.includes(m) && JSON.stringify(toA.body).includes(m),
        );
        // A path id must reach its lookup: 404, not a validation error on an implausible request.
        const found = hasPathId && toA.status !== 404;
        if (!same || leaked.length || found)
          mismatches.push({
            route,
            variant,
            naming: { path: naming.path, status: toA.status, body: toA.body },
            none: { status: toNone.status, body: toNone.body },
            leaked,
          });
        if (!hasPathId) continue;
        // and under B's own integration, naming A's member (a lookup that trusts its parent)
        const params = route.split(':').length - 1;
        for (let count = 1; count < params; count++) {
          const own = { own: ownOfB, count };
          const underNone = request(route, unknown, variant, unknown, own);
          const underA = request(route, A, variant, A, own);
          const toUnderNone = await call(underNone.method, underNone.path, token, underNone.body);
          const toUnderA = await call(underA.method, underA.path, token, underA.body);
          checked.push(`${route} under B's own`);
          if (
            toUnderA.status !== 404 ||
            toUnderA.status !== toUnderNone.status ||
            normalized(toUnderA.body, A, ownOnly) !== normalized(toUnderNone.body, unknown, ownOnly)
          )
            mismatches.push({ route, variant, under: underA, toA: toUnderA, toNone: toUnderNone });
        }
        // and on B's own things, with A's ids where the query or body names something
        const ownNone = request(route, unknown, variant, ownOfB);
        const ownNaming = request(route, A, variant, ownOfB);
        if (JSON.stringify(ownNone) === JSON.stringify(request(route, A, variant, ownOfB)))
          continue;
        const ownToNone = await call(ownNone.method, ownNone.path, token, ownNone.body);
        const ownToA = await call(ownNaming.method, ownNaming.path, token, ownNaming.body);
        checked.push(`${route} on B's own`);
        if (
          ownToA.status !== ownToNone.status ||
          normalized(ownToA.body, A, ownOnly) !== normalized(ownToNone.body, unknown, ownOnly)
        )
          mismatches.push({
            route,
            variant,
            own: { path: ownNaming.path, body: ownNaming.body },
            toA: ownToA,
            toNone: ownToNone,
          });
      }
    }

    // then
    expect(checked).toEqual(
      expect.arrayContaining([
        "POST /api/integrations/:id/members/:memberId/match on B's own",
        "GET /api/integrations/:id/members/:memberId under B's own",
      ]),
    );
    expect(mismatches).toEqual([]);
    await quiet();
    expect((await eventsOfA()).length).toBe(eventsBefore);
    expect(await viewsOfA()).toEqual(viewsBefore);
    // and B's own things, read every way, name nothing of A's (no match to A's identity …)
    const seenByB: unknown[] = [];
    for (const route of served) {
      if (!route.startsWith('GET ') || SHARED[route]) continue;
      const { path } = request(route, ownOfB);
      const answer = await call('GET', path, path.startsWith('/scim/') ? B.scimToken : B.adminKey);
      const leaked = markers.filter((m) => JSON.stringify(answer.body).includes(m));
      if (leaked.length) seenByB.push({ route, path, leaked });
    }
    expect(seenByB).toEqual([]);
  }, 300_000);

  it("given A's members Ann and Bob, when B's admin erases their emails, then only B's persons are erased: B's tombstones, A's keys kept, A's copies untouched, Ann read in clear by A", async () => {
    expect(B).toBeDefined();
    const keys = personalDataOf(svc.app.get(EventStore))!.keys;
    const annOfA = keys.personIdOf('default', A.userName);
    const eventsBefore = (await eventsOfA()).length;
    const viewsBefore = await viewsOfA();
    const copiesBefore = await copiesOfA();
    // A's copies that name Ann and Bob are really there: a kept snapshot, the leaver email
    const present = Object.entries(copiesBefore).filter(([, digest]) => digest !== 'absent');
    expect(present.map(([file]) => file)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\.json\.gz$/),
        expect.stringMatching(/\.eml$/),
      ]),
    );

    // when
    const erased = await call('POST', '/api/people/erase', B.adminKey, {
      email: A.userName,
      reason: 'leaver of workspace B',
    });
    const erasedBob = await call('POST', '/api/people/erase', B.adminKey, {
      email: A.memberEmail,
      reason: 'leaver of workspace B',
    });
    await quiet();

    // then B erased its own person of that email, never A's
    expect(erased.status).toBe(200);
    expect(erasedBob.status).toBe(200);
    expect(await copiesOfA()).toEqual(copiesBefore);
    const body = erased.body as { personId: string; personIds: string[] };
    expect(body.personId).toBe(keys.personIdOf(B.workspaceId, A.userName));
    expect(body.personIds).not.toContain(annOfA);
    expect(keys.isErased(annOfA)).toBe(false);
    expect(keys.hasKey(annOfA)).toBe(true);
    const tombstones = await svc.events({ categories: ['person'] });
    expect(tombstones.map((e) => e.metadata.workspaceId)).not.toContain('default');
    // and A's log, views and Ann's fields are as they were
    expect((await eventsOfA()).length).toBe(eventsBefore);
    expect(await viewsOfA()).toEqual(viewsBefore);
    const identity = await call('GET', `/api/identities/${A.identityId}`, ADMIN_KEY);
    expect(JSON.stringify(identity.body)).toMatch(/ann\.lee@acme\.example/i);
    expect(JSON.stringify(identity.body)).not.toContain('erased-');
  }, 300_000);

  it("given workspace A, when workspace B runs every GraphQL query and mutation field naming A's ids, then each answers as for ids nobody has, nothing of A shows, and A does not change", async () => {
    expect(B).toBeDefined();
    const fields = await rootFields();
    // The schema is really read: the fields of every release are there.
    expect(fields.map((f) => f.field)).toEqual(
      expect.arrayContaining([
        'query integration',
        'query member',
        'query automationTasks',
        'mutation removeMember',
        'mutation checkForUpdates',
      ]),
    );
    const viewsBefore = await viewsOfA();
    const eventsBefore = (await eventsOfA()).length;

    const mismatches: unknown[] = [];
    const { ownOfB, ownOnly } = await ownThingsOfB();
    await settle();
    const underChecked: string[] = [];
    for (const { field, hasId, operation } of fields) {
      // when B asks about ids nobody has, then about A's
      const toNone = await graphql(B.adminKey, fill(operation, unknown));
      const toA = await graphql(B.adminKey, fill(operation, A));
      const body = toA.body as { data?: unknown; errors?: { extensions: { code: string } }[] };
      const same =
        toA.status === toNone.status &&
        (fill(operation, A) !== operation
          ? normalized(toA.body, A) === normalized(toNone.body, unknown)
          : JSON.stringify(toA.body) === JSON.stringify(toNone.body));
      const asked = fill(operation, A);
      const leaked = markers.filter(
        (m) => !asked.includes(m) && JSON.stringify(toA.body).includes(m),
      );
      // A field naming an id must reach its lookup: NOT_FOUND, not an error about the request.
      const codes = (body.errors ?? []).map((e) => e.extensions.code);
      // An optional id filter naming an unknown integration is NOT_FOUND too, as in REST.
      const reached = hasId
        ? codes.length === 1 && codes[0] === 'NOT_FOUND'
        : codes.every((c) => c === 'NOT_FOUND');
      if (!same || leaked.length || !reached)
        mismatches.push({
          field,
          operation: fill(operation, A),
          toA: toA.body,
          toNone: toNone.body,
          leaked,
        });
      // and with B's own integration, naming A's member (or identity) beside it
      if (
        !operation.includes('{integrationId}') ||
        fill(operation, { ...A, integrationId: '' }) ===
          fill(operation, { ...unknown, integrationId: '' })
      )
        continue;
      const under = operation.split('{integrationId}').join(ownOfB.integrationId);
      const toUnderNone = await graphql(B.adminKey, fill(under, unknown));
      const toUnderA = await graphql(B.adminKey, fill(under, A));
      underChecked.push(field);
      const underCodes = (
        (toUnderA.body as { errors?: { extensions: { code: string } }[] }).errors ?? []
      ).map((e) => e.extensions.code);
      if (
        normalized(toUnderA.body, A, ownOnly) !== normalized(toUnderNone.body, unknown, ownOnly) ||
        (hasId && (underCodes.length !== 1 || underCodes[0] !== 'NOT_FOUND'))
      )
        mismatches.push({
          field,
          under: fill(under, A),
          toA: toUnderA.body,
          toNone: toUnderNone.body,
        });
    }

    // then
    expect(underChecked).toEqual(expect.arrayContaining(['query member', 'mutation removeMember']));
    expect(mismatches).toEqual([]);
    await quiet();
    expect((await eventsOfA()).length).toBe(eventsBefore);
    expect(await viewsOfA()).toEqual(viewsBefore);
  }, 300_000);
});

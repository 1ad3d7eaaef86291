/**
 * bench/graphql: a members page through GraphQL beside the same page through REST, on the
 * same service process (bench/api's: real Nest, HTTP, auth, SQLite stores) after importing a
 * business of N members (default 10,000). Checks first that both give the same rows, then
 * times single requests and puts each under load (autocannon, fixed first page). Last line:
 * one JSON object.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_GENERATED_MANAGER, generateBusiness, startSimulator } from '@app/simulator';
import { BUSINESS, type ToParent } from '../api/protocol';
import { arg, medianMs, progress, round, timedFetch } from '../support/measure';

const members = arg('members', 10_000);
const connections = arg('connections', 20);
const seconds = arg('seconds', 10);
const first = arg('first', 50);
const ADMIN_KEY = 'bench-admin-key-0123456789';
const ROOT = resolve(__dirname, '..', '..');
const AUTH = { authorization: `Bearer ${ADMIN_KEY}` };

/** Every field REST answers for a member, plus the matched identity (a batched lookup). */
const MEMBER_FIELDS = `id pinterestUserId name email businessRole status tab ambiguityCandidates
  discoveredAt updatedAt assets { assetId assetType name permissions }
  matchedIdentity { identityId how rule role matchedAt actor } exemption { reason actor at expiresAt }
  pendingAction { kind taskId requestedAt actor } invite { email status taskId }
  lastFailure { kind taskId at failure { kind message evidence } } account { status reason at }
  removal { taskId outcome observed afterInterruptedAttempt removedBy actor at } leaver leftAt`;

function next<T extends ToParent['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ToParent, { type: T }>> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (message: ToParent) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolvePromise(message as Extract<ToParent, { type: T }>);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before ${type}`)));
  });
}

async function load(label: string, options: autocannon.Options): Promise<autocannon.Result> {
  const result = await autocannon({ connections, duration: seconds, ...options });
  progress(
    `${label}: ${round(result.requests.average, 1)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `${result.non2xx} non-2xx, ${result.errors} errors`,
  );
  return result;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-graphql-'));
  const fixture = generateBusiness({ ...BUSINESS, members });
  const simulator = await startSimulator({ fixture: { businesses: [fixture] } });
  const service = fork(join(ROOT, 'bench', 'api', 'service.ts'), [], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_API_KEY: ADMIN_KEY,
      SCIM_TOKEN: 'bench-scim-token-0123456789',
      PINTEREST_BASE_URL: simulator.url,
      EVENTSTORE_URL: '',
      MONGO_URL: '',
      LOG_LEVEL: 'error',
    },
    execArgv: ['-r', join(ROOT, 'tools', 'register.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { url } = await next(service, 'ready');
    const connected = await fetch(`${url}/api/integrations`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({
        label: 'bench',
        businessId: fixture.id,
        loginMethod: 'password',
        automationAccount: { label: 'bench', ...DEFAULT_GENERATED_MANAGER },
      }),
    });
    if (connected.status !== 201) throw new Error(`connect: ${connected.status}`);
    const integrationId = ((await connected.json()) as { id: string }).id;
    const imported = next(service, 'imported');
    service.send({ type: 'import', integrationId, members });
    progress(`import: ${fixture.members.length} members, ${round((await imported).seconds)} s`);

    const restPath = `/api/integrations/${integrationId}/members?tab=unmatched&limit=${first}`;
    const restInit: RequestInit = { headers: AUTH };
    const query = `query($id: ID!) { integration(id: $id) {
      members(tab: UNMATCHED, first: ${first}) { nodes { ${MEMBER_FIELDS} } pageInfo { endCursor hasNextPage } totalCount } } }`;
    const gqlBody = JSON.stringify({ query, variables: { id: integrationId } });
    const gqlInit: RequestInit = {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: gqlBody,
    };

    // Both answer the same rows.
    const rest = JSON.parse((await timedFetch(url + restPath, restInit)).body) as {
      items: unknown[];
    };
    const gql = JSON.parse((await timedFetch(`${url}/graphql`, gqlInit)).body) as {
      data: { integration: { members: { nodes: unknown[] } } };
    };
    if (!isDeepStrictEqual(rest.items, gql.data.integration.members.nodes)) {
      throw new Error('GraphQL and REST answer different rows');
    }
    progress(`GraphQL and REST answer the same ${rest.items.length} rows`);

    const restMs = await medianMs('REST page', url + restPath, restInit, 21);
    const gqlMs = await medianMs('GraphQL page', `${url}/graphql`, gqlInit, 21);
    const restLoad = await load('REST pages', { url: url + restPath, headers: AUTH });
    const gqlLoad = await load('GraphQL pages', {
      url: `${url}/graphql`,
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: gqlBody,
    });
    const result = {
      members: fixture.members.length,
      first,
      restMs,
      graphqlMs: gqlMs,
      restReqPerSec: round(restLoad.requests.average, 1),
      graphqlReqPerSec: round(gqlLoad.requests.average, 1),
      graphqlP99Ms: gqlLoad.latency.p99,
      ratio: round(gqlLoad.requests.average / restLoad.requests.average, 3),
      errors: restLoad.errors + restLoad.non2xx + gqlLoad.errors + gqlLoad.non2xx,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (service.exitCode === null) {
      const exited = new Promise((r) => service.once('exit', r));
      service.send({ type: 'stop' });
      const timer = setTimeout(() => service.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

/**
 * bench/deprovision: a business of N members checked once, L of them matched to directory
 * identities that the IdP then deactivates by SCIM; `reportSec` is how long after the last
 * SCIM call the deprovision report holds all L as pending, `applySec` how long the apply takes
 * to remove them all against the simulator (default RPA_CONCURRENCY), and
 * `medianVerifiedRemovalSec` the report's median time a leaver kept access once the check that
 * runs by itself proved the removals. Progress lines start with "# "; the last line is one
 * JSON object: {"members","leavers","reportSec","applySec","failed","medianVerifiedRemovalSec"}.
 */
import { rmSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { DEFAULT_GENERATED_MANAGER, generateBusiness, startSimulator } from '@app/simulator';
import { createApp } from '../../apps/api/src/bootstrap';
import { ADMIN_KEY, SCIM_TOKEN, benchServiceEnv } from '../support/service-env';
import { arg, progress, round } from '../support/measure';

const memberCount = arg('members', 10_000);
const leaverCount = arg('leavers', 200);
const BUSINESS_ID = '900000000000000808';

interface Member {
  id: string;
  pinterestUserId: string;
  email: string;
}
interface Report {
  counts: Record<string, number | null>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function client(url: string) {
  return async <T>(
    method: string,
    path: string,
    body?: unknown,
    token = ADMIN_KEY,
    type = 'application/json',
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': type } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (v: T) => boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(everyMs);
  }
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const fixture = generateBusiness({
    businessId: BUSINESS_ID,
    name: 'Bench Leavers Co',
    members: memberCount,
    adAccounts: 40,
    grantsPerMember: 2,
    partners: 0,
    invites: 0,
    seed: 808,
  });
  const simulator = await startSimulator({ fixture: { businesses: [fixture] } });
  const dataDir = benchServiceEnv('deprovision', simulator.url);
  let app: INestApplication | undefined;
  try {
    app = await createApp();
    const { port } = app.getHttpServer().address() as { port: number };
    const api = client(`http://127.0.0.1:${port}`);
    const scim = <T>(method: string, path: string, body?: unknown) =>
      api<T>(method, `/scim/v2${path}`, body, SCIM_TOKEN, 'application/scim+json');
    progress(`business of ${fixture.members.length} members; service on port ${port}`);

    const created = await api<{ id: string }>('POST', '/api/integrations', {
      label: 'Bench Leavers Co',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'Robot', ...DEFAULT_GENERATED_MANAGER },
    });
    if (created.status !== 201) throw new Error(`connect: ${JSON.stringify(created.body)}`);
    const integrationId = created.body.id;
    const checkStarted = Date.now();
    const check = await api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    const task = (id: string) =>
      api<{ status: string }>('GET', `/api/automation-tasks/${id}`).then((r) => r.body);
    const checked = await until(
      'first check',
      () => task(check.body.taskId),
      (t) => t.status === 'completed' || t.status === 'not_completed',
      1_800_000,
      500,
    );
    if (checked.status !== 'completed') throw new Error('the first check did not complete');
    progress(`check for updates: ${round((Date.now() - checkStarted) / 1000, 1)} s`);

    const page = await api<{ items: Member[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=unmatched&limit=500`,
    );
    const leavers = page.body.items
      .filter((m) => m.email !== DEFAULT_GENERATED_MANAGER.email)
      .slice(0, leaverCount);
    if (leavers.length < leaverCount) throw new Error(`only ${leavers.length} members to leave`);

    // Given L members matched to identities the IdP provisioned
    const identities: string[] = [];
    await pool(leavers, 8, async (m) => {
      const res = await scim<{ id: string }>('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: m.email,
        emails: [{ value: m.email, primary: true }],
        active: true,
      });
      if (res.status !== 201) throw new Error(`SCIM POST: ${JSON.stringify(res.body)}`);
      identities.push(res.body.id);
    });
    await until(
      `${leaverCount} onboarded`,
      () => api<{ onboarded: number }>('GET', `/api/integrations/${integrationId}`),
      (r) =>
        (r.body as unknown as { memberCounts: { onboarded: number } }).memberCounts.onboarded >=
        leaverCount,
      300_000,
      200,
    );
    progress(`${leaverCount} members onboarded`);

    // When the IdP deactivates them all
    const scimStarted = Date.now();
    await pool(identities, 8, async (id) => {
      const res = await scim('PATCH', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });
      if (res.status !== 200) throw new Error(`SCIM PATCH: ${JSON.stringify(res.body)}`);
    });
    const lastScim = Date.now();
    progress(`${leaverCount} SCIM deactivations in ${round((lastScim - scimStarted) / 1000, 2)} s`);
    const report = () =>
      api<Report>('GET', `/api/integrations/${integrationId}/deprovision-report?limit=1`).then(
        (r) => r.body,
      );
    await until('report caught up', report, (r) => r.counts.pending === leaverCount, 300_000, 20);
    const reportSec = round((Date.now() - lastScim) / 1000, 2);
    progress(`report caught up ${reportSec} s after the last SCIM call`);

    // Then the apply removes them all
    const applyStarted = Date.now();
    const applied = await api<{ taskIds: string[] }>(
      'POST',
      `/api/integrations/${integrationId}/deprovision-report/apply`,
      {},
    );
    if (applied.status !== 202) throw new Error(`apply: ${JSON.stringify(applied.body)}`);
    const done = (r: Report) =>
      ['removed', 'absent', 'verified', 'failed'].reduce((n, s) => n + (r.counts[s] ?? 0), 0);
    let lastProgress = Date.now();
    const ended = await until(
      'removals ended',
      async () => {
        const r = await report();
        if (Date.now() - lastProgress > 10_000) {
          lastProgress = Date.now();
          progress(`apply: ${done(r)}/${leaverCount} ended`);
        }
        return r;
      },
      (r) => done(r) === leaverCount,
      1_800_000,
      200,
    );
    const applySec = round((Date.now() - applyStarted) / 1000, 2);
    const failed = ended.counts.failed ?? 0;
    progress(`apply: ${leaverCount} removals ended in ${applySec} s, ${failed} failed`);

    // And the check that runs by itself proves them
    const proven = await until(
      'removals verified',
      report,
      (r) => (r.counts.verified ?? 0) + (r.counts.failed ?? 0) === leaverCount,
      1_800_000,
      500,
    );
    progress(
      `verified by the deprovision_verification check ${round((Date.now() - applyStarted) / 1000, 1)} s after the apply`,
    );

    process.stdout.write(
      `${JSON.stringify({
        members: fixture.members.length,
        leavers: leaverCount,
        reportSec,
        applySec,
        failed,
        medianVerifiedRemovalSec: proven.counts.medianVerifiedRemovalSec,
      })}\n`,
    );
  } finally {
    await app?.close();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

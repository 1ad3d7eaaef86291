/**
 * bench/actions: N removals requested at once against the simulator, through the whole
 * service (HTTP → member stream → durable saga → Playwright → Chromium → simulator), and the
 * time from each request to its MemberRemoved. Progress lines start with "# "; the last line
 * is one JSON object: {"removals","totalSec","p50Ms","p95Ms","failed"}.
 */
import { rmSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import { BUSINESS_READER, type PinterestBusinessReader } from '@app/governance';
import {
  DEFAULT_GENERATED_MANAGER,
  generateBusiness,
  type LogEntry,
  startSimulator,
} from '@app/simulator';
import { createApp } from '../../apps/api/src/bootstrap';
import { ADMIN_KEY, benchServiceEnv } from '../support/service-env';
import { arg, peakRssMb, progress, round } from '../support/measure';

const removals = arg('removals', 200);
const BUSINESS_ID = '900000000000000600';
/** Members nobody removes, besides the automation account. */
const SPARE_MEMBERS = 20;

interface Member {
  id: string;
  pinterestUserId: string;
  email: string;
}
interface Task {
  status: string;
}
interface Request {
  memberId: string;
  at: number;
  answeredAt: number;
  status: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/** How long at least one of the intervals was running: the gateway's busy time. */
function covered(intervals: readonly { start: number; end: number }[]): number {
  let total = 0;
  let until = -Infinity;
  for (const { start, end } of [...intervals].sort((a, b) => a.start - b.start)) {
    if (end <= until) continue;
    total += end - Math.max(start, until);
    until = end;
  }
  return total;
}

function client(url: string) {
  return async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

async function main(): Promise<void> {
  const fixture = generateBusiness({
    businessId: BUSINESS_ID,
    name: 'Bench Actions Co',
    members: removals + SPARE_MEMBERS,
    adAccounts: 20,
    grantsPerMember: 2,
    partners: 0,
    invites: 0,
    seed: 600,
  });
  const simulator = await startSimulator({ fixture: { businesses: [fixture] } });
  const dataDir = benchServiceEnv('actions', simulator.url, {
    RPA_CONCURRENCY: process.env.RPA_CONCURRENCY || '2',
  });
  let app: INestApplication | undefined;
  try {
    app = await createApp();
    const { port } = app.getHttpServer().address() as { port: number };
    const api = client(`http://127.0.0.1:${port}`);
    const events = app.get(EventStore);
    progress(
      `business of ${fixture.members.length} members; service on port ${port}, RPA_CONCURRENCY=${process.env.RPA_CONCURRENCY}`,
    );

    // The gateway's share: every Pinterest call the saga makes, timed from the outside.
    const reader = app.get<PinterestBusinessReader>(BUSINESS_READER, { strict: false });
    const performed: { start: number; end: number }[] = [];
    const perform = reader.perform.bind(reader);
    reader.perform = async (...args: Parameters<PinterestBusinessReader['perform']>) => {
      const start = Date.now();
      try {
        return await perform(...args);
      } finally {
        performed.push({ start, end: Date.now() });
      }
    };

    const created = await api<{ id: string }>('POST', '/api/integrations', {
      label: 'Bench Actions Co',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: {
        label: 'Robot',
        email: DEFAULT_GENERATED_MANAGER.email,
        password: DEFAULT_GENERATED_MANAGER.password,
      },
    });
    if (created.status !== 201)
      throw new Error(`connect: ${created.status} ${JSON.stringify(created.body)}`);
    const integrationId = created.body.id;
    const checkStarted = Date.now();
    const check = await api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    for (;;) {
      const task = await api<Task>('GET', `/api/automation-tasks/${check.body.taskId}`);
      if (task.body.status === 'completed') break;
      if (task.body.status === 'not_completed')
        throw new Error(`check not completed: ${JSON.stringify(task.body)}`);
      await sleep(200);
    }
    progress(`check for updates: ${round((Date.now() - checkStarted) / 1000, 1)} s`);

    const members: Member[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `tab=unmatched&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api<{ items: Member[]; nextCursor: string | null }>(
        'GET',
        `/api/integrations/${integrationId}/members?${query}`,
      );
      members.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const targets = members
      .filter((m) => m.email !== DEFAULT_GENERATED_MANAGER.email)
      .sort((a, b) => a.pinterestUserId.localeCompare(b.pinterestUserId))
      .slice(0, removals);
    if (targets.length < removals) throw new Error(`only ${targets.length} members to remove`);

    // N removals at once.
    const from = await events.headPosition();
    const began = Date.now();
    const requests: Request[] = await Promise.all(
      targets.map(async (m): Promise<Request> => {
        const at = Date.now();
        const res = await api('POST', `/api/integrations/${integrationId}/members/${m.id}/remove`);
        return { memberId: m.id, at, answeredAt: Date.now(), status: res.status };
      }),
    );
    const accepted = requests.filter((r) => r.status === 202);
    const answerMs = requests.map((r) => r.answeredAt - r.at);
    progress(
      `requests: ${accepted.length}/${removals} answered 202 within ${round((Math.max(...requests.map((r) => r.answeredAt)) - began) / 1000, 1)} s ` +
        `(answer p50 ${percentile(answerMs, 50)} ms, p95 ${percentile(answerMs, 95)} ms)`,
    );

    // Until every accepted removal has an outcome.
    const removedAt = new Map<string, number>();
    const failedIds = new Set<string>();
    const attemptedAt = new Map<string, number>();
    let position = from;
    let lastReport = Date.now();
    const deadline = Date.now() + 60_000 + removals * 5_000;
    const memberOf = (e: RecordedEvent): string => (e.data as { memberId: string }).memberId;
    while (removedAt.size + failedIds.size < accepted.length) {
      for await (const e of events.readAll({
        after: position ?? undefined,
        filter: { eventTypes: ['MemberRemoved', 'MemberRemovalFailed', 'MemberActionAttempted'] },
      })) {
        position = e.position;
        const at = Date.parse(e.recordedAt);
        if (e.type === 'MemberRemoved') removedAt.set(memberOf(e), at);
        else if (e.type === 'MemberRemovalFailed') failedIds.add(memberOf(e));
        else if (!attemptedAt.has(memberOf(e))) attemptedAt.set(memberOf(e), at);
      }
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        progress(
          `${round((Date.now() - began) / 1000, 1)} s: ${removedAt.size} removed, ${failedIds.size} failed`,
        );
      }
      if (Date.now() > deadline) break;
      await sleep(200);
    }

    const latencies = accepted
      .filter((r) => removedAt.has(r.memberId))
      .map((r) => (removedAt.get(r.memberId) as number) - r.at);
    const lastDone = Math.max(began, ...removedAt.values());
    const totalSec = round((lastDone - began) / 1000, 2);
    const failed = removals - removedAt.size;

    // Where the time went.
    const performMs = performed.map((c) => c.end - c.start);
    const busy = covered(performed);
    const sagaMs = [...removedAt]
      .filter(([id]) => attemptedAt.has(id))
      .map(([id, at]) => at - (attemptedAt.get(id) as number));
    const log = (await (
      await fetch(`${simulator.url}/__sim/log?businessId=${BUSINESS_ID}`)
    ).json()) as LogEntry[];
    progress(
      `gateway: ${performMs.length} calls, mean ${Math.round(mean(performMs))} ms (p50 ${percentile(performMs, 50)}, p95 ${percentile(performMs, 95)}); ` +
        `at least one call running ${round((100 * busy) / Math.max(1, lastDone - began), 1)}% of the run, ` +
        `${round(performMs.reduce((a, b) => a + b, 0) / Math.max(1, lastDone - began), 2)} on average; ` +
        `calls × mean / concurrency = ${round((performMs.length * mean(performMs)) / Number(process.env.RPA_CONCURRENCY) / 1000, 1)} s`,
    );
    const quarter = Math.max(1, Math.ceil(performMs.length / 4));
    const quarters = [0, 1, 2, 3].map((q) =>
      Math.round(mean(performMs.slice(q * quarter, (q + 1) * quarter))),
    );
    progress(`gateway call mean by quarter of the run: [${quarters.join(', ')}] ms`);
    progress(
      `saga: first attempt recorded → MemberRemoved mean ${Math.round(mean(sagaMs))} ms, ` +
        `of which outside the gateway call ~${Math.round(mean(sagaMs) - mean(performMs))} ms`,
    );
    progress(
      `simulator: ${log.filter((e) => e.action === 'remove_member').length} remove_member entries; ` +
        `peak RSS of this process ${peakRssMb()} MB (Chromium not included)`,
    );
    progress(
      `goal: totalSec ≤ ${round(removals * 0.6, 1)} (N × 0.6 s); measured ${totalSec} (${round(totalSec / removals, 3)} s per removal)`,
    );

    process.stdout.write(
      `${JSON.stringify({
        removals,
        totalSec,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        failed,
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

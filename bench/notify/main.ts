/**
 * bench/notify: leaver announcements end to end. Each round seeds new pending leavers into the
 * deprovision report, runs a check for updates (Chromium against the simulator), and times
 * from the check's AutomationTaskCompleted to the email's arrival at a real SMTP server
 * started here. Progress lines start with "# "; the last line is one JSON object:
 * {"checks","leaversPerCheck","emails","announceP50Ms","announceP95Ms","checkP50Ms","duplicates"}.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { SMTPServer } from 'smtp-server';
import { EventStore } from '@app/eventstore';
import { DEPROVISION_REPORT } from '@app/governance';
import { READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { DEFAULT_GENERATED_MANAGER, generateBusiness, startSimulator } from '@app/simulator';
import { createApp } from '../../apps/api/src/bootstrap';
import { ADMIN_KEY, benchServiceEnv } from '../support/service-env';
import { arg, peakRssMb, progress, round } from '../support/measure';
import { pendingReportItem } from '../../test/support/report-item';

const checks = arg('checks', 10);
const leaversPerCheck = arg('leavers', 20);
const BUSINESS_ID = '900000000000000700';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main(): Promise<void> {
  const arrivals: { at: number; messageId: string }[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        arrivals.push({ at: Date.now(), messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1] ?? '' });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const fixture = generateBusiness({
    businessId: BUSINESS_ID,
    name: 'Bench Notify Co',
    members: 200,
    adAccounts: 10,
    grantsPerMember: 2,
    partners: 0,
    invites: 0,
    seed: 700,
  });
  const simulator = await startSimulator({ fixture: { businesses: [fixture] } });
  const dataDir = benchServiceEnv('notify', simulator.url, {
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  });
  let app: INestApplication | undefined;
  try {
    app = await createApp();
    const { port } = app.getHttpServer().address() as { port: number };
    const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as T;
    };
    const events = app.get(EventStore);
    const report = app.get<ReadModelStore>(READ_MODEL_STORE).collection(DEPROVISION_REPORT);

    const { id: integrationId } = await api<{ id: string }>('POST', '/api/integrations', {
      label: 'Bench Notify Co',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: {
        label: 'Robot',
        email: DEFAULT_GENERATED_MANAGER.email,
        password: DEFAULT_GENERATED_MANAGER.password,
      },
    });
    /** Asks for a check for updates and waits until its task has ended; returns the task's id. */
    const checkForUpdates = async (): Promise<string> => {
      const { taskId } = await api<{ taskId: string }>(
        'POST',
        `/api/integrations/${integrationId}/check-for-updates`,
      );
      for (;;) {
        const task = await api<{ status: string }>('GET', `/api/automation-tasks/${taskId}`);
        if (task.status === 'completed' || task.status === 'not_completed') return taskId;
        await sleep(20);
      }
    };
    await api('PUT', '/api/settings/notifications', { emails: ['security@acme.example'] });
    progress(`SMTP on ${smtpPort}; ${checks} checks, ${leaversPerCheck} new leavers before each`);

    const announceMs: number[] = [];
    const checkMs: number[] = [];
    for (let round_ = 0; round_ < checks; round_ += 1) {
      for (let i = 0; i < leaversPerCheck; i += 1) {
        const memberId = randomUUID();
        await report.upsert(
          pendingReportItem({
            id: memberId,
            workspaceId: 'default',
            integrationId,
            memberId,
            name: `Leaver ${round_}.${i}`,
            email: `leaver.${round_}.${i}@acme.example`,
            identityId: randomUUID(),
            leftAt: new Date().toISOString(),
            access: {
              businessRole: 'employee',
              assets: [
                { assetId: '1', assetName: 'Ads', assetType: 'AD_ACCOUNT', permissions: ['ADMIN'] },
              ],
            },
            status: 'pending',
          }),
        );
      }
      const before = arrivals.length;
      const asked = Date.now();
      const taskId = await checkForUpdates();
      while (arrivals.length === before) await sleep(5);
      let completedAt = 0;
      for (const e of await events.readStream(`automationTask-${taskId}`)) {
        if (e.type === 'AutomationTaskCompleted') completedAt = Date.parse(e.metadata.occurredAt);
      }
      checkMs.push(completedAt - asked);
      announceMs.push(arrivals[arrivals.length - 1].at - completedAt);
      progress(
        `check ${round_ + 1}: ${checkMs.at(-1)} ms, then the email ${announceMs.at(-1)} ms later`,
      );
    }
    // A last check with nothing new: no email.
    await checkForUpdates();
    await sleep(2000);
    const ids = arrivals.map((a) => a.messageId);
    const result = {
      checks,
      leaversPerCheck,
      emails: arrivals.length,
      announceP50Ms: percentile(announceMs, 50),
      announceP95Ms: percentile(announceMs, 95),
      checkP50Ms: percentile(checkMs, 50),
      duplicates: ids.length - new Set(ids).size,
      peakRssMb: peakRssMb(),
    };
    progress(`announcement ms: ${announceMs.map((m) => round(m, 0)).join(', ')}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await app?.close();
    await simulator.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

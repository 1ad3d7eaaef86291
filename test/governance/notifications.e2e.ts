import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEPROVISION_REPORT,
  type DeprovisionReportItem,
  NotificationProcesses,
} from '@app/governance';
import { READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { eventually, type ServiceHarness, startService } from '../support/service-harness';
import { type SmtpCatcher, startSmtpCatcher } from '../support/smtp-catcher';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';
import { pendingReportItem } from '../support/report-item';

interface Notification {
  id: string;
  kind: string;
  integrationId: string;
  memberIds: string[];
  to: string[];
  subject: string;
  text: string;
  status: string;
  error: string | null;
  outboxReason: string | null;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
}
interface Task {
  status: string;
}

const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'smtp-Pa55word-never-logged';

/** A leaver as core's report projection writes it, seeded straight into the read model. */
function leaver(
  integrationId: string,
  name: string,
  email: string,
  leftAt: string,
): DeprovisionReportItem {
  const memberId = randomUUID();
  return pendingReportItem({
    id: memberId,
    workspaceId: 'default',
    integrationId,
    memberId,
    name,
    email,
    identityId: randomUUID(),
    leftAt,
    access: {
      businessRole: 'employee',
      assets: [
        {
          assetId: '5001',
          assetName: 'Acme US',
          assetType: 'AD_ACCOUNT',
          permissions: ['ADMIN', 'ANALYST'],
        },
      ],
    },
    status: 'pending',
  });
}

async function connect(svc: ServiceHarness): Promise<string> {
  const res = await svc.api<{ id: string }>('POST', '/api/integrations', {
    label: 'Acme Ads',
    businessId: BUSINESS_ID,
    loginMethod: 'password',
    automationAccount: { label: 'Robot', ...AUTOMATION },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function runCheck(svc: ServiceHarness, integrationId: string): Promise<Task> {
  const res = await svc.api<{ taskId: string }>(
    'POST',
    `/api/integrations/${integrationId}/check-for-updates`,
  );
  expect(res.status).toBe(202);
  const task = await eventually(
    async () => (await svc.api<Task>('GET', `/api/automation-tasks/${res.body.taskId}`)).body,
    (t) => t.status === 'completed' || t.status === 'not_completed',
    60_000,
  );
  // The announcement that follows the check has run (or has nothing to say).
  await svc.app
    .get(NotificationProcesses, { strict: false })
    .runner('deprovision-announcements')
    .waitFor(await svc.head(), 60_000);
  return task;
}

const seed = async (svc: ServiceHarness, ...docs: DeprovisionReportItem[]) => {
  const report = svc.app.get<ReadModelStore>(READ_MODEL_STORE).collection(DEPROVISION_REPORT);
  for (const doc of docs) await report.upsert(doc);
};
const notifications = async (svc: ServiceHarness) =>
  (await svc.api<{ items: Notification[]; nextCursor: string | null }>('GET', '/api/notifications'))
    .body;
const announcements = async (svc: ServiceHarness, integrationId: string) =>
  (await svc.events({ eventTypes: ['DeprovisionReportAnnounced'] })).filter(
    (e) => e.stream === `deprovisionReport-${integrationId}`,
  );

describe('leaver announcements by email, through a real SMTP server (simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let smtp: SmtpCatcher;
  let integrationId: string;
  const ann = (id: string) =>
    leaver(id, 'Ann Lee', 'ann.lee@acme.example', '2026-12-06T09:15:00.000Z');
  const bob = (id: string) =>
    leaver(id, 'Bob Stone', 'bob@acme.example', '2026-12-06T09:20:00.000Z');
  let first: DeprovisionReportItem[];

  // Everything the service logs (LOG_LEVEL=log), to look for the password in.
  const logged: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        logged.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof stream.write;
    }
    smtp = await startSmtpCatcher({ user: SMTP_USER, password: SMTP_PASSWORD });
    svc = await startService(fixtureOf(trickyBusiness()), {
      SMTP_URL: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'governance@acme.example',
      LOG_LEVEL: 'log',
    });
    integrationId = await connect(svc);
  }, 120_000);

  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await svc?.close();
    await smtp?.close();
  });

  it('answers 401 without the API key, whatever the body, and 400 for a cursor of another query', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/settings/notifications', undefined],
      ['PUT', '/api/settings/notifications', { emails: 'not even an array' }],
      ['GET', '/api/notifications', undefined],
    ] as const) {
      const res = await svc.api(method, path, body, 'wrong-key-0123456789');
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
    }
    const bad = await svc.api<{ details: unknown }>('GET', '/api/notifications?cursor=garbage');
    expect(bad).toMatchObject({ status: 400, body: { details: { field: 'cursor' } } });
  });

  it('refuses bad recipient lists by field, appending nothing', async () => {
    const before = await svc.head();
    const many = Array.from({ length: 51 }, (_, i) => `p${i}@acme.example`);
    const cases: [unknown, RegExp][] = [
      [{}, /^invalid emails:/],
      [{ emails: 'sec@acme.example' }, /emails must be an array/],
      [{ emails: ['sec@acme.example', 'not an email'] }, /emails\[1\] must be an email address/],
      [{ emails: ['sec@acme.example', 42] }, /emails\[1\] must be a string/],
      [{ emails: many }, /emails must list at most 50 addresses/],
      [{ emails: [], extra: true }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await svc.api<{ message: string; details: unknown }>(
        'PUT',
        '/api/settings/notifications',
        body,
      );
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toMatch(message);
      expect(JSON.stringify(res.body.details)).toMatch(/emails|extra/);
    }
    expect(await svc.events({}, before)).toEqual([]);
  });

  it('keeps the recipients, each address once whatever its case, and says who set them', async () => {
    const res = await svc.api<{ emails: string[]; updatedBy: string }>(
      'PUT',
      '/api/settings/notifications',
      { emails: [' Security@Acme.example ', 'it-ops@acme.example', 'security@acme.EXAMPLE'] },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      emails: ['Security@Acme.example', 'it-ops@acme.example'],
      delivery: 'smtp',
      updatedBy: 'admin',
    });
    const read = await svc.api<{ emails: string[] }>('GET', '/api/settings/notifications');
    expect(read.body.emails).toEqual(['Security@Acme.example', 'it-ops@acme.example']);
    // The same list again records nothing.
    const before = await svc.head();
    await svc.api('PUT', '/api/settings/notifications', {
      emails: ['Security@Acme.example', 'it-ops@acme.example'],
    });
    expect(await svc.events({}, before)).toEqual([]);
  });

  it('a check with new pending leavers sends one email listing them to the recipients', async () => {
    first = [ann(integrationId), bob(integrationId)];
    await seed(svc, ...first);
    const task = await runCheck(svc, integrationId);
    expect(task.status).toBe('completed');

    const list = await eventually(
      () => notifications(svc),
      (l) => l.items.length === 1 && l.items[0].status === 'sent',
    );
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(smtp.logins).toEqual([SMTP_USER]);
    expect(mail.mailFrom).toBe('governance@acme.example');
    // (nodemailer writes the domain part in lower case: domains are case-insensitive)
    expect(mail.rcptTo.map((a) => a.toLowerCase()).sort()).toEqual([
      'it-ops@acme.example',
      'security@acme.example',
    ]);
    expect(mail.headers.subject).toBe('Acme Ads: 2 people who left still on Pinterest');
    expect(mail.text).toContain('- Ann Lee <ann.lee@acme.example>');
    expect(mail.text).toContain('  left: 2026-12-06T09:15:00.000Z');
    expect(mail.text).toContain('  assets: Acme US (ad account): ADMIN, ANALYST');
    expect(mail.text).toContain('- Bob Stone <bob@acme.example>');
    expect(mail.text).toContain(`business ${BUSINESS_ID}`);
    expect(mail.text).toContain(`/api/integrations/${integrationId}/deprovision-report/apply`);

    const [notification] = list.items;
    expect(mail.headers['message-id']).toBe(`<${notification.id}@acme.example>`);
    expect(notification).toMatchObject({
      kind: 'deprovision_report',
      integrationId,
      to: ['Security@Acme.example', 'it-ops@acme.example'],
      subject: mail.headers.subject,
      text: mail.text,
      status: 'sent',
      error: null,
      attempts: 1,
    });
    expect(notification.memberIds).toEqual(first.map((d) => d.memberId));
    expect(notification.sentAt).not.toBeNull();

    const [announced] = await announcements(svc, integrationId);
    expect(announced.data).toEqual({
      integrationId,
      memberIds: first.map((d) => d.memberId),
      notificationId: notification.id,
      delivered: true,
    });
  });

  it('a second check with nothing new sends no email', async () => {
    const task = await runCheck(svc, integrationId);
    expect(task.status).toBe('completed');
    expect((await notifications(svc)).items).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    expect(await announcements(svc, integrationId)).toHaveLength(1);
  });

  it('with the SMTP server down, the check still completes and the message fails after its retries', async () => {
    await smtp.close();
    const carol = leaver(integrationId, 'Carol Diaz', 'carol@acme.example', '2026-12-06T10:00:00Z');
    await seed(svc, carol);
    const task = await runCheck(svc, integrationId);
    expect(task.status).toBe('completed');

    const failed = (await notifications(svc)).items[0];
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, memberIds: [carol.memberId] });
    expect(failed.error).toMatch(new RegExp(`127\\.0\\.0\\.1:${smtp.port}: .*ECONNREFUSED`));
    const attempts = await svc.events({ eventTypes: ['NotificationAttemptFailed'] });
    expect(attempts.filter((e) => e.stream === `notification-${failed.id}`)).toHaveLength(2);
    const last = (await announcements(svc, integrationId)).at(-1);
    expect(last?.data).toMatchObject({ memberIds: [carol.memberId], delivered: false });
  });

  it('without recipients, the message is kept in the outbox and the report says no one was told', async () => {
    await svc.api('PUT', '/api/settings/notifications', { emails: [] });
    const dan = leaver(integrationId, 'Dan Outsider', 'dan@agency.example', '2026-12-06T11:00:00Z');
    await seed(svc, dan);
    await runCheck(svc, integrationId);

    const kept = (await notifications(svc)).items[0];
    expect(kept).toMatchObject({
      status: 'outbox',
      outboxReason: 'no_recipients',
      to: [],
      memberIds: [dan.memberId],
      attempts: 0,
    });
    const last = (await announcements(svc, integrationId)).at(-1);
    expect(last?.data).toMatchObject({ notificationId: kept.id, delivered: false });
    const item = await svc.app
      .get<ReadModelStore>(READ_MODEL_STORE)
      .collection<DeprovisionReportItem>(DEPROVISION_REPORT)
      .get(dan.memberId);
    expect(item).toMatchObject({ announcementId: kept.id });
  });

  it('pages the notifications newest first, and never records the SMTP password', async () => {
    const page1 = await svc.api<{ items: Notification[]; nextCursor: string }>(
      'GET',
      '/api/notifications?limit=2',
    );
    expect(page1.body.items.map((n) => n.status)).toEqual(['outbox', 'failed']);
    const page2 = await svc.api<{ items: Notification[]; nextCursor: string | null }>(
      'GET',
      `/api/notifications?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
    );
    expect(page2.body.items.map((n) => n.status)).toEqual(['sent']);
    expect(page2.body.nextCursor).toBeNull();
    const bad = await svc.api<{ details: unknown }>('GET', '/api/notifications?status=lost');
    expect(bad.status).toBe(400);

    const everything = JSON.stringify([
      await svc.events(),
      page1.body,
      page2.body,
      await svc.api('GET', '/api/settings/notifications'),
    ]);
    expect(everything).not.toContain(SMTP_PASSWORD);
    const log = logged.join('');
    expect(log).toContain(`mail goes to smtp smtp://${SMTP_USER}:***@127.0.0.1:${smtp.port}`);
    expect(log).toContain('attempt 1 failed; retrying');
    expect(log).not.toContain(SMTP_PASSWORD);
  });
});

describe('without SMTP_URL, messages go to the outbox folder', () => {
  let svc: ServiceHarness;
  let integrationId: string;

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness()));
    integrationId = await connect(svc);
  }, 120_000);

  afterAll(async () => svc?.close());

  it('keeps the message as a file with status outbox, and no one was told', async () => {
    const set = await svc.api('PUT', '/api/settings/notifications', {
      emails: ['security@acme.example'],
    });
    expect(set.body).toMatchObject({ emails: ['security@acme.example'], delivery: 'outbox' });
    const eve = leaver(integrationId, 'Eve Park', 'eve@acme.example', '2026-12-06T08:00:00Z');
    await seed(svc, eve);
    const task = await runCheck(svc, integrationId);
    expect(task.status).toBe('completed');

    const [kept] = (await notifications(svc)).items;
    expect(kept).toMatchObject({ status: 'outbox', outboxReason: 'no_mail_server' });
    const file = join(svc.dataDir, 'outbox', `${kept.id}.eml`);
    expect(existsSync(file)).toBe(true);
    const raw = readFileSync(file, 'utf8');
    expect(raw).toMatch(/^To: security@acme\.example$/m);
    expect(raw).toContain('Eve Park');
    const [announced] = await announcements(svc, integrationId);
    expect(announced.data).toMatchObject({ memberIds: [eve.memberId], delivered: false });
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEPROVISION_REPORT,
  type DeprovisionReportItem,
  deprovisionReportProjection,
} from '@app/governance';
import { createReadModelStore } from '@app/readmodels';
import { type RunningSimulator, startSimulator } from '@app/simulator';
import {
  cliEvents,
  eventually,
  ServiceProcess,
  type ServiceOptions,
} from '../actions/service-process';
import { type SmtpCatcher, startSmtpCatcher } from '../support/smtp-catcher';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';
import { pendingReportItem } from '../support/report-item';

interface Notification {
  id: string;
  status: string;
  attempts: number;
}

/**
 * kill -9 while the mail server holds the message's data unanswered (sent, not yet confirmed):
 * after the restart the message is sent again, once, under the same Message-ID, and the log
 * says the accepted attempt followed an interrupted one.
 */
describe('a leaver announcement survives kill -9 during its delivery (service in a child process)', () => {
  let simulator: RunningSimulator;
  let smtp: SmtpCatcher;
  let dataDir: string;
  let options: ServiceOptions;
  let svc: ServiceProcess | undefined;
  let holding = true;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'notify-crash-'));
    simulator = await startSimulator({ fixture: fixtureOf(trickyBusiness()) });
    smtp = await startSmtpCatcher({ user: 'mailer', password: 'crash-smtp-pass' }, () => holding);
    options = {
      dataDir,
      pinterestBaseUrl: simulator.url,
      env: { SMTP_URL: `smtp://mailer:crash-smtp-pass@127.0.0.1:${smtp.port}` },
    };
    svc = await ServiceProcess.start(options);
  }, 120_000);

  afterAll(async () => {
    await ServiceProcess.killAll();
    await smtp?.close();
    await simulator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the message once after the restart and announces the leaver once', async () => {
    const service = () => {
      if (!svc) throw new Error('the service is not running');
      return svc;
    };
    // Given an integration, a recipient and a pending leaver in the report
    const created = await service().api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme Ads',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'Robot', ...AUTOMATION },
    });
    expect(created.status).toBe(201);
    const integrationId = created.body.id;
    expect(
      (
        await service().api('PUT', '/api/settings/notifications', {
          emails: ['security@acme.example'],
        })
      ).status,
    ).toBe(200);
    const memberId = randomUUID();
    const readModels = await createReadModelStore({ dataDir });
    try {
      await readModels.ensureCollection(deprovisionReportProjection.collections[0]);
      await readModels.collection<DeprovisionReportItem>(DEPROVISION_REPORT).upsert(
        pendingReportItem({
          id: memberId,
          workspaceId: 'default',
          integrationId,
          memberId,
          name: 'Ann Lee',
          email: 'ann.lee@acme.example',
          identityId: randomUUID(),
          leftAt: '2026-12-06T09:15:00.000Z',
          access: { businessRole: 'employee', assets: [] },
          status: 'pending',
        }),
      );
    } finally {
      await readModels.close();
    }

    // When a check completes and the service is killed while the server holds the message
    const check = await service().api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(check.status).toBe(202);
    await eventually(
      'the message data reached the server',
      async () => smtp.received.length,
      (n) => n === 1,
      90_000,
    );
    await service().kill();
    svc = undefined;
    expect(smtp.messages).toHaveLength(0);
    const before = await cliEvents(dataDir, 'notification');
    expect(before.map((e) => e.type)).toEqual(['NotificationQueued', 'NotificationAttempted']);

    // Then, after the restart, it is sent once more and recorded once
    holding = false;
    svc = await ServiceProcess.start(options);
    const [sent] = await eventually(
      'the message was sent',
      async () =>
        (await service().api<{ items: Notification[] }>('GET', '/api/notifications')).body.items,
      (items) => items.length === 1 && items[0].status === 'sent',
      60_000,
    );
    expect(sent.attempts).toBe(2);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.messages[0].headers['message-id']).toBe(smtp.received[0].headers['message-id']);
    expect(smtp.messages[0].rcptTo).toEqual(['security@acme.example']);

    const after = await cliEvents(dataDir, 'notification');
    expect(after.map((e) => e.type)).toEqual([
      'NotificationQueued',
      'NotificationAttempted',
      'NotificationAttempted',
      'NotificationSent',
    ]);
    expect(after[3].data).toMatchObject({ attempts: 2, afterInterruptedAttempt: true });
    const announced = await eventually(
      'the leaver was announced',
      () => cliEvents(dataDir, 'deprovisionReport'),
      (events) => events.length > 0,
      30_000,
    );
    expect(announced).toHaveLength(1);
    expect(announced[0].data).toEqual({
      integrationId,
      memberIds: [memberId],
      notificationId: sent.id,
      delivered: true,
    });
  });
});

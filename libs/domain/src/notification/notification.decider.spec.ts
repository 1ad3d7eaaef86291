import { fold } from '../shared/decider';
import { WrongState } from '../shared/errors';
import { notificationDecider as d, type NotificationCommand } from './notification.decider';
import type { NotificationEvent } from './notification.events';

const queued: NotificationEvent = {
  type: 'NotificationQueued',
  data: {
    notificationId: 'n1',
    workspaceId: 'w1',
    kind: 'deprovision_report',
    integrationId: 'i1',
    memberIds: ['m1'],
    personal: { to: ['sec@acme.test'], subject: 'Leavers', text: 'Ann Lee' },
  },
};
const attempt = (n: number): NotificationEvent => ({
  type: 'NotificationAttempted',
  data: { notificationId: 'n1', attempt: n },
});
const attemptFailed = (n: number): NotificationEvent => ({
  type: 'NotificationAttemptFailed',
  data: { notificationId: 'n1', attempt: n, error: 'refused', retryAt: '2026-01-01T00:00:00Z' },
});
const queue: NotificationCommand = {
  type: 'QueueNotification',
  notificationId: 'n1',
  workspaceId: 'w1',
  kind: 'deprovision_report',
  integrationId: 'i1',
  memberIds: ['m1'],
  message: { to: ['sec@acme.test'], subject: 'Leavers', text: 'Ann Lee' },
};
const when = (given: NotificationEvent[], command: NotificationCommand) =>
  d.decide(command, fold(d, given));

describe('notification decider', () => {
  it('given nothing, when queued, then NotificationQueued with the message under personal', () => {
    expect(when([], queue)).toEqual([queued]);
  });

  it('given a queued message, when queued again (a replay), then nothing', () => {
    expect(when([queued], queue)).toEqual([]);
  });

  it('given no message, when an attempt starts, then it is refused', () => {
    expect(() => when([], { type: 'StartDeliveryAttempt', attempt: 1 })).toThrow(WrongState);
  });

  it('given attempt 1 started, when it starts again, then nothing; attempt 2 is recorded', () => {
    expect(when([queued, attempt(1)], { type: 'StartDeliveryAttempt', attempt: 1 })).toEqual([]);
    expect(when([queued, attempt(1)], { type: 'StartDeliveryAttempt', attempt: 2 })).toEqual([
      attempt(2),
    ]);
  });

  it('given a first attempt, when sent, then NotificationSent, not after an interrupted attempt', () => {
    expect(when([queued, attempt(1)], { type: 'MarkSent', messageId: '<n1@acme>' })).toEqual([
      {
        type: 'NotificationSent',
        data: {
          notificationId: 'n1',
          attempts: 1,
          messageId: '<n1@acme>',
          afterInterruptedAttempt: false,
        },
      },
    ]);
  });

  it('given attempt 1 started and never answered (a crash), when attempt 2 sends, then it says so', () => {
    const [sent] = when([queued, attempt(1), attempt(2)], { type: 'MarkSent', messageId: 'm' });
    expect(sent).toMatchObject({ data: { attempts: 2, afterInterruptedAttempt: true } });
  });

  it('given a failed attempt then a second, when sent, then it was not interrupted', () => {
    const [sent] = when([queued, attempt(1), attemptFailed(1), attempt(2)], {
      type: 'MarkSent',
      messageId: 'm',
    });
    expect(sent).toMatchObject({ data: { attempts: 2, afterInterruptedAttempt: false } });
  });

  it('given a failed attempt recorded, when recorded again, then nothing', () => {
    expect(
      when([queued, attempt(1), attemptFailed(1)], {
        type: 'RecordDeliveryAttemptFailed',
        attempt: 1,
        error: 'refused',
        retryAt: 'x',
      }),
    ).toEqual([]);
  });

  it('given an outcome, when anything else happens, then nothing is recorded', () => {
    const failed: NotificationEvent = {
      type: 'NotificationFailed',
      data: { notificationId: 'n1', attempts: 3, error: 'refused' },
    };
    const given = [queued, attempt(1), failed];
    expect(fold(d, given).outcome).toBe('failed');
    expect(when(given, { type: 'MarkSent', messageId: 'm' })).toEqual([]);
    expect(when(given, { type: 'StartDeliveryAttempt', attempt: 2 })).toEqual([]);
    expect(when(given, { type: 'KeepInOutbox', reason: 'no_recipients' })).toEqual([]);
  });

  it('given a queued message, when kept in the outbox, then NotificationKeptInOutbox with the reason', () => {
    expect(when([queued], { type: 'KeepInOutbox', reason: 'no_mail_server' })).toEqual([
      {
        type: 'NotificationKeptInOutbox',
        data: { notificationId: 'n1', reason: 'no_mail_server' },
      },
    ]);
  });
});

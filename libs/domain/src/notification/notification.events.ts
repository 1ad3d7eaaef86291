import type { DomainEvent } from '../shared/decider';

export type NotificationKind = 'deprovision_report';

/** Addresses and words of a message sit under `personal`: they name people. */
export interface NotificationPersonalData {
  to: string[];
  subject: string;
  text: string;
}

/** Why a message was kept in the outbox instead of being sent. */
export type OutboxReason = 'no_recipients' | 'no_mail_server';

/** A message to send, recorded before anything is sent: a crash after this loses nothing. */
export type NotificationQueued = DomainEvent<
  'NotificationQueued',
  {
    notificationId: string;
    workspaceId: string;
    kind: NotificationKind;
    integrationId: string | null;
    /** The members the message is about (a leaver announcement's items), for the record. */
    memberIds: string[];
    personal: NotificationPersonalData;
  }
>;
/** About to hand the message to the mail server (attempt n). */
export type NotificationAttempted = DomainEvent<
  'NotificationAttempted',
  { notificationId: string; attempt: number }
>;
export type NotificationAttemptFailed = DomainEvent<
  'NotificationAttemptFailed',
  { notificationId: string; attempt: number; error: string; retryAt: string }
>;
/**
 * The mail server accepted the message. `afterInterruptedAttempt`: an earlier attempt started
 * and was never answered (a crash), so the server may have it twice; both copies carry the
 * same Message-ID.
 */
export type NotificationSent = DomainEvent<
  'NotificationSent',
  {
    notificationId: string;
    attempts: number;
    messageId: string;
    afterInterruptedAttempt: boolean;
  }
>;
export type NotificationFailed = DomainEvent<
  'NotificationFailed',
  { notificationId: string; attempts: number; error: string }
>;
export type NotificationKeptInOutbox = DomainEvent<
  'NotificationKeptInOutbox',
  { notificationId: string; reason: OutboxReason }
>;

export type NotificationEvent =
  | NotificationQueued
  | NotificationAttempted
  | NotificationAttemptFailed
  | NotificationSent
  | NotificationFailed
  | NotificationKeptInOutbox;

export const notificationStream = (notificationId: string): string =>
  `notification-${notificationId}`;

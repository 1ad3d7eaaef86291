import type { Decider } from '../shared/decider';
import { WrongState } from '../shared/errors';
import type {
  NotificationEvent,
  NotificationKind,
  NotificationPersonalData,
  OutboxReason,
} from './notification.events';

export type NotificationCommand =
  | {
      type: 'QueueNotification';
      notificationId: string;
      workspaceId: string;
      kind: NotificationKind;
      integrationId: string | null;
      memberIds: readonly string[];
      message: NotificationPersonalData;
    }
  | { type: 'StartDeliveryAttempt'; attempt: number }
  | { type: 'RecordDeliveryAttemptFailed'; attempt: number; error: string; retryAt: string }
  | { type: 'MarkSent'; messageId: string }
  | { type: 'MarkFailed'; error: string }
  | { type: 'KeepInOutbox'; reason: OutboxReason };

export type NotificationOutcome = 'sent' | 'failed' | 'outbox';

export interface NotificationState {
  notificationId: string | null;
  memberIds: string[];
  message: NotificationPersonalData | null;
  /** The highest attempt started. */
  attempts: number;
  /** The highest attempt whose failure was recorded. */
  failedAttempts: number;
  outcome: NotificationOutcome | null;
}

/**
 * A message's life: queued once, delivery attempts, one outcome. Each step is decided on what
 * the stream holds, so a step replayed after a crash decides nothing, and nothing is recorded
 * after the outcome.
 */
export const notificationDecider: Decider<
  NotificationCommand,
  NotificationEvent,
  NotificationState
> = {
  initialState: {
    notificationId: null,
    memberIds: [],
    message: null,
    attempts: 0,
    failedAttempts: 0,
    outcome: null,
  },

  evolve(state, event) {
    switch (event.type) {
      case 'NotificationQueued':
        return {
          ...state,
          notificationId: event.data.notificationId,
          memberIds: event.data.memberIds,
          message: event.data.personal,
        };
      case 'NotificationAttempted':
        return { ...state, attempts: Math.max(state.attempts, event.data.attempt) };
      case 'NotificationAttemptFailed':
        return { ...state, failedAttempts: Math.max(state.failedAttempts, event.data.attempt) };
      case 'NotificationSent':
        return { ...state, outcome: state.outcome ?? 'sent' };
      case 'NotificationFailed':
        return { ...state, outcome: state.outcome ?? 'failed' };
      case 'NotificationKeptInOutbox':
        return { ...state, outcome: state.outcome ?? 'outbox' };
    }
  },

  decide(command, state) {
    if (command.type === 'QueueNotification') {
      if (state.notificationId) return [];
      return [
        {
          type: 'NotificationQueued',
          data: {
            notificationId: command.notificationId,
            workspaceId: command.workspaceId,
            kind: command.kind,
            integrationId: command.integrationId,
            memberIds: [...command.memberIds],
            personal: {
              to: [...command.message.to],
              subject: command.message.subject,
              text: command.message.text,
            },
          },
        },
      ];
    }
    const notificationId = state.notificationId;
    if (!notificationId) throw new WrongState('no such notification', { state: 'absent' });
    // A message that has its outcome keeps it: a late or replayed step changes nothing.
    if (state.outcome) return [];
    switch (command.type) {
      case 'StartDeliveryAttempt':
        if (command.attempt <= state.attempts) return [];
        return [
          { type: 'NotificationAttempted', data: { notificationId, attempt: command.attempt } },
        ];
      case 'RecordDeliveryAttemptFailed':
        if (command.attempt <= state.failedAttempts) return [];
        return [
          {
            type: 'NotificationAttemptFailed',
            data: {
              notificationId,
              attempt: command.attempt,
              error: command.error,
              retryAt: command.retryAt,
            },
          },
        ];
      case 'MarkSent':
        return [
          {
            type: 'NotificationSent',
            data: {
              notificationId,
              attempts: state.attempts,
              messageId: command.messageId,
              // An attempt before this one that neither failed nor succeeded: interrupted.
              afterInterruptedAttempt: state.attempts > state.failedAttempts + 1,
            },
          },
        ];
      case 'MarkFailed':
        return [
          {
            type: 'NotificationFailed',
            data: { notificationId, attempts: state.attempts, error: command.error },
          },
        ];
      case 'KeepInOutbox':
        return [
          { type: 'NotificationKeptInOutbox', data: { notificationId, reason: command.reason } },
        ];
    }
  },
};

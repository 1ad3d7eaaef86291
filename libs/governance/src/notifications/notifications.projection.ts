import type { NotificationEvent, OutboxReason, WorkspaceSettingsEvent } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export const NOTIFICATIONS = 'notifications';
export const WORKSPACE_SETTINGS = 'workspace_settings';

export type NotificationStatus = 'queued' | 'retrying' | 'sent' | 'outbox' | 'failed';

export interface NotificationDoc extends Document {
  workspaceId: string;
  kind: string;
  integrationId: string | null;
  memberIds: string[];
  to: string[];
  subject: string;
  text: string;
  status: NotificationStatus;
  /** Why it failed, or its last failed attempt's reason while it is retried. */
  error: string | null;
  outboxReason: OutboxReason | null;
  attempts: number;
  messageId: string | null;
  createdAt: string;
  sentAt: string | null;
  updatedAt: string;
}

export interface WorkspaceSettingsDoc extends Document {
  notificationEmails: string[];
  updatedAt: string;
  updatedBy: string;
}

/** Every message, sent or not, newest first; and the workspace's notification settings. */
export const notificationsProjection: Projection = {
  name: 'notifications',
  version: 1,
  collections: [
    {
      name: NOTIFICATIONS,
      indexes: [
        ['workspaceId', 'createdAt'],
        ['workspaceId', 'status', 'createdAt'],
      ],
    },
    // Read by id (the workspace) only.
    { name: WORKSPACE_SETTINGS, indexes: [] },
  ],
  filter: { categories: ['notification', 'workspaceSettings'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as NotificationEvent | WorkspaceSettingsEvent;
    const at = recorded.metadata.occurredAt;
    if (event.type === 'NotificationRecipientsChanged') {
      ctx.put<WorkspaceSettingsDoc>(WORKSPACE_SETTINGS, {
        id: event.data.workspaceId,
        notificationEmails: event.data.personal.emails,
        updatedAt: at,
        updatedBy: recorded.metadata.actor,
      });
      return;
    }
    if (event.type === 'NotificationQueued') {
      ctx.put<NotificationDoc>(NOTIFICATIONS, {
        id: event.data.notificationId,
        workspaceId: event.data.workspaceId,
        kind: event.data.kind,
        integrationId: event.data.integrationId,
        memberIds: event.data.memberIds,
        to: event.data.personal.to,
        subject: event.data.personal.subject,
        text: event.data.personal.text,
        status: 'queued',
        error: null,
        outboxReason: null,
        attempts: 0,
        messageId: null,
        createdAt: at,
        sentAt: null,
        updatedAt: at,
      });
      return;
    }
    const current = await ctx.get<NotificationDoc>(NOTIFICATIONS, event.data.notificationId);
    if (!current) return;
    const next: NotificationDoc = { ...current, updatedAt: at };
    switch (event.type) {
      case 'NotificationAttempted':
        next.attempts = Math.max(current.attempts, event.data.attempt);
        break;
      case 'NotificationAttemptFailed':
        Object.assign(next, { status: 'retrying', error: event.data.error });
        break;
      case 'NotificationSent':
        Object.assign(next, {
          status: 'sent',
          error: null,
          attempts: event.data.attempts,
          messageId: event.data.messageId,
          sentAt: at,
        });
        break;
      case 'NotificationFailed':
        Object.assign(next, {
          status: 'failed',
          error: event.data.error,
          attempts: event.data.attempts,
        });
        break;
      case 'NotificationKeptInOutbox':
        Object.assign(next, { status: 'outbox', outboxReason: event.data.reason });
        break;
    }
    ctx.put<NotificationDoc>(NOTIFICATIONS, next);
  },
};

import { Inject, Injectable } from '@nestjs/common';
import { workspaceSettingsDecider, workspaceSettingsStream } from '@app/domain';
import { CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import { MailTransport } from '@app/mail';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { type Caller, contextOf } from '../access/access.service';
import {
  NOTIFICATIONS,
  type NotificationDoc,
  WORKSPACE_SETTINGS,
  type WorkspaceSettingsDoc,
} from './notifications.projection';

export interface NotificationSettings {
  emails: string[];
  /** Where messages go from this process: a mail server (SMTP_URL) or the outbox folder. */
  delivery: 'smtp' | 'outbox';
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface NotificationView {
  id: string;
  kind: string;
  integrationId: string | null;
  memberIds: string[];
  to: string[];
  subject: string;
  text: string;
  status: NotificationDoc['status'];
  error: string | null;
  outboxReason: NotificationDoc['outboxReason'];
  attempts: number;
  messageId: string | null;
  createdAt: string;
  sentAt: string | null;
}

const viewOf = (doc: NotificationDoc): NotificationView => ({
  id: doc.id,
  kind: doc.kind,
  integrationId: doc.integrationId,
  memberIds: doc.memberIds,
  to: doc.to,
  subject: doc.subject,
  text: doc.text,
  status: doc.status,
  error: doc.error,
  outboxReason: doc.outboxReason,
  attempts: doc.attempts,
  messageId: doc.messageId,
  createdAt: doc.createdAt,
  sentAt: doc.sentAt,
});

/** The workspace's notification recipients, and every message the service wrote. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly mail: MailTransport,
  ) {}

  async settings(caller: Caller): Promise<NotificationSettings> {
    const doc = await this.readModels
      .collection<WorkspaceSettingsDoc>(WORKSPACE_SETTINGS)
      .get(caller.workspaceId);
    return {
      emails: doc?.notificationEmails ?? [],
      delivery: this.mail.kind,
      updatedAt: doc?.updatedAt ?? null,
      updatedBy: doc?.updatedBy ?? null,
    };
  }

  async setRecipients(caller: Caller, emails: readonly string[]): Promise<NotificationSettings> {
    const result = await this.commands.execute(
      workspaceSettingsStream(caller.workspaceId),
      workspaceSettingsDecider,
      { type: 'SetNotificationRecipients', workspaceId: caller.workspaceId, emails },
      contextOf(caller),
    );
    if (result.append) await this.projections.waitFor(result.append.position, 10_000);
    return this.settings(caller);
  }

  async list(
    caller: Caller,
    query: { status?: string; cursor?: string; limit: number },
  ): Promise<{ items: NotificationView[]; nextCursor: string | null }> {
    const page = await this.readModels.collection<NotificationDoc>(NOTIFICATIONS).find({
      where: {
        workspaceId: caller.workspaceId,
        ...(query.status ? { status: query.status } : {}),
      },
      sort: [{ field: 'createdAt', direction: 'desc' }],
      limit: query.limit,
      cursor: query.cursor,
    });
    return { items: page.items.map(viewOf), nextCursor: page.nextCursor };
  }
}

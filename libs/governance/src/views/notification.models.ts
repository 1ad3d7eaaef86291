import { InstantField, IntField, ObjectListField, TextField, TextListField } from './fields';

/** The answer shapes of the notification settings and the messages list (REST). */
export class NotificationSettingsModel {
  @TextListField({ description: 'the workspace’s notification recipients' }) emails!: string[];
  @TextField({
    enum: ['smtp', 'outbox'],
    description: 'where messages go from this process: SMTP_URL, or the outbox folder',
  })
  delivery!: string;
  @InstantField({ nullable: true }) updatedAt!: string | null;
  @TextField({ nullable: true }) updatedBy!: string | null;
}

export class NotificationModel {
  @TextField() id!: string;
  @TextField({ description: 'e.g. deprovision_report' }) kind!: string;
  @TextField({ nullable: true }) integrationId!: string | null;
  @TextListField() memberIds!: string[];
  @TextListField() to!: string[];
  @TextField() subject!: string;
  @TextField() text!: string;
  @TextField({ enum: ['queued', 'retrying', 'sent', 'outbox', 'failed'] }) status!: string;
  @TextField({ nullable: true, description: 'why it failed, or why the last attempt failed' })
  error!: string | null;
  @TextField({ nullable: true, enum: ['no_recipients', 'no_mail_server'] })
  outboxReason!: string | null;
  @IntField() attempts!: number;
  @TextField({ nullable: true }) messageId!: string | null;
  @InstantField() createdAt!: string;
  @InstantField({ nullable: true }) sentAt!: string | null;
}

export class NotificationPageModel {
  @ObjectListField(() => NotificationModel) items!: NotificationModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
}

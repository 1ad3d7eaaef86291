import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  deterministicId,
  type NotificationCommand,
  notificationDecider,
  type NotificationQueued,
  notificationStream,
} from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import { type CommandContext, CommandExecutor, toDomainEvent } from '@app/infrastructure';
import { MailDeliveryFailed, MailTransport } from '@app/mail';
import type { EventConsumer } from '@app/projections';

export interface MailRetryPolicy {
  maxAttempts: number;
  delayMs(attempt: number): number;
}

export const MAIL_RETRY_POLICY = Symbol('MailRetryPolicy');

/** 3 attempts, 1 s then 2 s apart, like a check for updates. */
export const defaultMailRetryPolicy: MailRetryPolicy = {
  maxAttempts: 3,
  delayMs: (attempt) => 1000 * 2 ** (attempt - 1),
};

/**
 * Delivers each queued message, read from the store (never from memory), so a message queued
 * before a crash is delivered after the restart. Each attempt is recorded before the mail
 * server is called: a crash between the send and its record leaves an attempt without an
 * answer, the next attempt sends again with the same Message-ID (SMTP has no way to ask whether
 * a message arrived) and the outcome says `afterInterruptedAttempt`. A failing server only ever
 * ends the message `failed`: nothing that queued it waits on the server's health.
 */
@Injectable()
export class NotificationDeliveryProcess implements EventConsumer {
  readonly name = 'notification-delivery';
  readonly filter = { eventTypes: ['NotificationQueued'] };
  readonly concurrency = 2;
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly commands: CommandExecutor,
    private readonly mail: MailTransport,
    @Inject(MAIL_RETRY_POLICY) private readonly retry: MailRetryPolicy,
  ) {}

  keyOf(event: RecordedEvent): string {
    return event.stream;
  }

  async handle(recorded: RecordedEvent): Promise<void> {
    const queued = toDomainEvent(recorded) as NotificationQueued;
    const { notificationId } = queued.data;
    const ctx: CommandContext = {
      workspaceId: recorded.metadata.workspaceId,
      actor: 'system',
      correlationId: recorded.metadata.correlationId,
      causationId: recorded.id,
    };
    const { state } = await this.commands.load(
      notificationStream(notificationId),
      notificationDecider,
    );
    if (state.outcome || !state.message) return;
    const message = { id: notificationId, ...state.message };

    if (message.to.length === 0) {
      return this.step(ctx, notificationId, 'outcome', {
        type: 'KeepInOutbox',
        reason: 'no_recipients',
      });
    }
    if (this.mail.kind === 'outbox') {
      await this.mail.deliver(message);
      return this.step(ctx, notificationId, 'outcome', {
        type: 'KeepInOutbox',
        reason: 'no_mail_server',
      });
    }
    for (let attempt = state.attempts + 1; ; attempt += 1) {
      await this.step(ctx, notificationId, `attempt:${attempt}`, {
        type: 'StartDeliveryAttempt',
        attempt,
      });
      try {
        const delivery = await this.mail.deliver(message);
        if (delivery.status !== 'sent') throw new Error('the mail transport kept the message');
        return this.step(ctx, notificationId, 'outcome', {
          type: 'MarkSent',
          messageId: delivery.messageId,
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const retryable = error instanceof MailDeliveryFailed ? error.retryable : false;
        if (retryable && attempt < this.retry.maxAttempts) {
          const delay = this.retry.delayMs(attempt);
          this.logger.warn(
            `notification ${notificationId}: attempt ${attempt} failed; retrying in ${delay} ms`,
          );
          await this.step(ctx, notificationId, `attempt-failed:${attempt}`, {
            type: 'RecordDeliveryAttemptFailed',
            attempt,
            error: reason,
            retryAt: new Date(Date.now() + delay).toISOString(),
          });
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        this.logger.warn(`notification ${notificationId}: not sent after ${attempt} attempt(s)`);
        return this.step(ctx, notificationId, 'outcome', { type: 'MarkFailed', error: reason });
      }
    }
  }

  private async step(
    ctx: CommandContext,
    notificationId: string,
    step: string,
    command: NotificationCommand,
  ): Promise<void> {
    await this.commands.execute(
      notificationStream(notificationId),
      notificationDecider,
      command,
      ctx,
      {
        eventId: (_e, i) => deterministicId('notification', notificationId, step, i),
      },
    );
  }
}

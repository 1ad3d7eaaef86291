import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  automationAccountDecider,
  automationAccountStream,
  type CheckForUpdatesRequested,
  deterministicId,
  integrationDecider,
  type IntegrationHealth,
  integrationStream,
  type TaskFailure,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import { CommandExecutor, type CommandContext, toDomainEvent } from '@app/infrastructure';
import type { EventConsumer } from '@app/projections';
import { AutomationLogins } from './automation-logins';
import {
  BUSINESS_READER,
  type BusinessReader,
  failureOf,
  type PinterestFailure,
} from './business-reader.port';
import { SnapshotImporter } from './snapshot-importer';
import { TaskRecorder } from './task-recorder';

export const CHECK_MAX_ATTEMPTS = 3;

/** What a failure says about the integration's health card. */
export function healthAfter(failure: PinterestFailure): IntegrationHealth | null {
  switch (failure.kind) {
    case 'invalid_credentials':
    case 'challenge_required':
      return 'review_service_account';
    case 'permission_denied':
    case 'business_not_found':
      return 'review_configuration';
    default:
      return null;
  }
}

export interface CheckRetryPolicy {
  maxAttempts: number;
  delayMs(attempt: number): number;
}

export const CHECK_RETRY_POLICY = Symbol('CheckRetryPolicy');
export const defaultCheckRetryPolicy: CheckRetryPolicy = {
  maxAttempts: CHECK_MAX_ATTEMPTS,
  delayMs: (attempt) => 1000 * 2 ** (attempt - 1),
};

/**
 * The process manager of "Check for updates": reacts to CheckForUpdatesRequested read from the
 * store (so a request survives a crash), logs in with the automation account, reads the
 * business and imports it, and records the task's outcome.
 */
@Injectable()
export class CheckForUpdatesProcess implements EventConsumer {
  readonly name = 'check-for-updates';
  readonly filter = { eventTypes: ['CheckForUpdatesRequested'] };
  private readonly logger = new Logger('CheckForUpdates');

  constructor(
    private readonly events: EventStore,
    private readonly commands: CommandExecutor,
    private readonly tasks: TaskRecorder,
    private readonly importer: SnapshotImporter,
    private readonly logins: AutomationLogins,
    @Inject(BUSINESS_READER) private readonly reader: BusinessReader,
    @Inject(CHECK_RETRY_POLICY) private readonly retry: CheckRetryPolicy,
  ) {}

  async handle(recorded: RecordedEvent): Promise<void> {
    const request = toDomainEvent(recorded) as CheckForUpdatesRequested;
    const { integrationId, taskId } = request.data;
    const ctx: CommandContext = {
      workspaceId: recorded.metadata.workspaceId,
      actor: recorded.metadata.actor,
      correlationId: recorded.metadata.correlationId,
      causationId: recorded.id,
    };
    const progress = await this.tasks.state(taskId);
    if (progress.finished) return this.finish(ctx, integrationId, taskId, progress.finished);

    const { state: integration } = await this.commands.load(
      integrationStream(integrationId),
      integrationDecider,
    );
    if (!integration.connected || !integration.businessId || !integration.automationAccountId) {
      await this.tasks.notCompleted(ctx, taskId, progress.attempts, {
        kind: 'integration_disconnected',
        message: 'the integration was disconnected before the check ran',
        evidence: [],
      });
      return this.finish(ctx, integrationId, taskId, 'not_completed');
    }

    for (let attempt = progress.attempts + 1; ; attempt += 1) {
      await this.tasks.started(ctx, taskId, attempt);
      try {
        const login = await this.logins.loginOf(ctx.workspaceId, integration.automationAccountId);
        let lastProgressAt = 0;
        const snapshot = await this.reader.readBusiness(
          login,
          integration.businessId,
          (done, total) => {
            // Progress is for people watching: a few events, not one per member.
            if (Date.now() - lastProgressAt < 2000 && done < total) return;
            lastProgressAt = Date.now();
            void this.tasks.progressed(ctx, taskId, done, total).catch(() => undefined);
          },
        );
        const summary = await this.importer.import(snapshot, {
          workspaceId: ctx.workspaceId,
          integrationId,
          actor: ctx.actor,
          correlationId: recorded.metadata.correlationId,
          causationId: recorded.id,
        });
        await this.tasks.completed(ctx, taskId, { ...summary });
        await this.accountLogin(ctx, integration.automationAccountId, null);
        await this.changeHealth(ctx, integrationId, 'healthy', 'check completed');
        return this.finish(ctx, integrationId, taskId, 'completed');
      } catch (error) {
        const failure = failureOf(error);
        const taskFailure: TaskFailure = {
          kind: failure.kind,
          message: failure.message,
          evidence: failure.evidence,
        };
        if (failure.retryable && attempt < this.retry.maxAttempts) {
          const delay = this.retry.delayMs(attempt);
          this.logger.warn(
            `task ${taskId}: attempt ${attempt} failed (${failure.kind}); retrying in ${delay} ms`,
          );
          await this.tasks.retrying(
            ctx,
            taskId,
            attempt,
            taskFailure,
            new Date(Date.now() + delay),
          );
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        this.logger.warn(
          `task ${taskId}: not completed after ${attempt} attempt(s) (${failure.kind})`,
        );
        await this.tasks.notCompleted(ctx, taskId, attempt, taskFailure);
        if (failure.kind === 'invalid_credentials' || failure.kind === 'challenge_required') {
          await this.accountLogin(ctx, integration.automationAccountId, failure.message);
        }
        const health = healthAfter(failure);
        if (health) await this.changeHealth(ctx, integrationId, health, failure.message);
        return this.finish(ctx, integrationId, taskId, 'not_completed');
      }
    }
  }

  /** What the check's login says about the account, decided on the account's stream. */
  private async accountLogin(
    ctx: CommandContext,
    accountId: string,
    failure: string | null,
  ): Promise<void> {
    const stream = automationAccountStream(accountId);
    await this.commands.execute(
      stream,
      automationAccountDecider,
      {
        type: 'RecordAutomationLogin',
        outcome: failure === null ? { ok: true } : { ok: false, reason: failure },
      },
      ctx,
      {
        eventId: (_e, i, revision) =>
          deterministicId(stream, 'check-login', ctx.causationId ?? '', revision, i),
      },
    );
  }

  private async changeHealth(
    ctx: CommandContext,
    integrationId: string,
    to: IntegrationHealth,
    reason: string,
  ): Promise<void> {
    await this.commands.execute(
      integrationStream(integrationId),
      integrationDecider,
      { type: 'ChangeHealth', to, reason },
      ctx,
    );
  }

  private async finish(
    ctx: CommandContext,
    integrationId: string,
    taskId: string,
    result: 'completed' | 'not_completed',
  ): Promise<void> {
    await this.commands.execute(
      integrationStream(integrationId),
      integrationDecider,
      { type: 'FinishCheck', taskId, result },
      ctx,
      { eventId: () => deterministicId('check-finished', taskId) },
    );
  }
}

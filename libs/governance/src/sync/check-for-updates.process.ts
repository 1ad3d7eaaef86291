import { Inject, Injectable, Logger } from '@nestjs/common';
import { Environment } from '@app/config';
import {
  automationAccountDecider,
  automationAccountStream,
  type AutomationTaskEvent,
  automationTaskStream,
  type CheckForUpdatesRequested,
  type CheckOutcome,
  deterministicId,
  integrationDecider,
  integrationStream,
  type ObservedBusiness,
  type SnapshotRef,
  type TaskFailure,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import { actorOf, CommandExecutor, type CommandContext, toDomainEvent } from '@app/infrastructure';
import { checkDuration, secondsSince } from '@app/observability';
import type { EventConsumer } from '@app/projections';
import { AutomationLogins } from './automation-logins';
import { BUSINESS_READER, type BusinessReader, channelOf, failureOf } from './business-reader.port';
import { type ImportOutcome, SnapshotImporter } from './snapshot-importer';
import { SNAPSHOT_STORE, type SnapshotStore } from './snapshot-store';
import { TaskRecorder } from './task-recorder';

export const CHECK_MAX_ATTEMPTS = 3;

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
    private readonly env: Environment,
    @Inject(SNAPSHOT_STORE) private readonly snapshots: SnapshotStore,
  ) {}

  async handle(recorded: RecordedEvent): Promise<void> {
    const started = performance.now();
    const timed: { connector: string; result: string } = { connector: 'unknown', result: 'failed' };
    try {
      timed.result = await this.check(recorded, timed);
    } finally {
      // A check that throws (the store went away) is retried by its consumer: counted as failed.
      checkDuration.observe(timed, secondsSince(started));
    }
  }

  private async check(
    recorded: RecordedEvent,
    timed: { connector: string },
  ): Promise<CheckOutcome['result']> {
    const request = toDomainEvent(recorded) as CheckForUpdatesRequested;
    const { integrationId, taskId } = request.data;
    const ctx: CommandContext = {
      workspaceId: recorded.metadata.workspaceId,
      ...actorOf(recorded.metadata),
      correlationId: recorded.metadata.correlationId,
      causationId: recorded.id,
    };
    const progress = await this.tasks.state(taskId);
    if (progress.finished)
      return this.finish(ctx, integrationId, taskId, await this.outcomeOf(taskId));

    const { state: integration } = await this.commands.load(
      integrationStream(integrationId),
      integrationDecider,
    );
    if (!integration.connected || !integration.businessId) {
      const failure: TaskFailure = {
        kind: 'integration_disconnected',
        message: 'the integration was disconnected before the check ran',
        evidence: [],
      };
      await this.tasks.notCompleted(ctx, taskId, progress.attempts, failure);
      return this.finish(ctx, integrationId, taskId, { result: 'not_completed', failure });
    }
    timed.connector = integration.connector;
    const confirmDepartures = request.data.confirmDepartures === true;

    const browserAccount =
      integration.connector === 'browser' ? integration.automationAccountId : null;
    for (let attempt = progress.attempts + 1; ; attempt += 1) {
      await this.tasks.started(ctx, taskId, attempt);
      let channel: 'browser' | 'api' = integration.connector;
      let imported: ImportOutcome;
      let snapshot: ObservedBusiness;
      // What this attempt read, once kept: the outcome or retry of the attempt names it, so
      // that the import can be replayed (`cli replay`) from exactly what was seen.
      let kept: SnapshotRef | undefined;
      try {
        const login = await this.logins.forIntegration(ctx.workspaceId, integration);
        channel = channelOf(login);
        let lastProgressAt = 0;
        snapshot = await this.reader.readBusiness(login, integration.businessId, (done, total) => {
          // Progress is for people watching: a few events, not one per member.
          if (Date.now() - lastProgressAt < 2000 && done < total) return;
          lastProgressAt = Date.now();
          void this.tasks.progressed(ctx, taskId, done, total).catch(() => undefined);
        });
        // Kept before anything the import appends, so that no event names a missing file.
        kept = await this.snapshots.keep(snapshot);
        imported = await this.importer.import(
          snapshot,
          {
            workspaceId: ctx.workspaceId,
            integrationId,
            actor: ctx.actor,
            actorKeyId: ctx.actorKeyId,
            correlationId: recorded.metadata.correlationId,
            causationId: recorded.id,
          },
          { safeguardPercent: this.env.IMPORT_SAFEGUARD_PERCENT, confirmDepartures },
        );
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
            kept,
          );
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        this.logger.warn(
          `task ${taskId}: not completed after ${attempt} attempt(s) (${failure.kind})`,
        );
        await this.tasks.notCompleted(ctx, taskId, attempt, taskFailure, kept);
        if (
          browserAccount &&
          (failure.kind === 'invalid_credentials' || failure.kind === 'challenge_required')
        ) {
          await this.accountLogin(ctx, browserAccount, failure.message);
        }
        return this.finish(ctx, integrationId, taskId, {
          result: 'not_completed',
          failure: taskFailure,
        });
      }

      const { summary, departures } = imported;
      if (browserAccount) await this.accountLogin(ctx, browserAccount, null);
      if (departures.kind !== 'record') {
        // Pinterest was read, only not so that absences may be recorded: no retry.
        const failure: TaskFailure = {
          kind: departures.kind,
          message: departures.message,
          evidence: departures.kind === 'partial_snapshot' ? snapshot.evidence : [],
          summary,
          details: departures.details,
        };
        this.logger.warn(`task ${taskId}: not completed (${failure.kind}): ${failure.message}`);
        await this.tasks.notCompleted(ctx, taskId, attempt, failure, kept);
        return this.finish(ctx, integrationId, taskId, { result: 'not_completed', failure });
      }
      await this.tasks.completed(
        ctx,
        taskId,
        {
          ...summary,
          channel,
          // Who let this check record departures past the safeguard: the request's actor.
          ...(confirmDepartures && { departuresConfirmedBy: ctx.actor }),
          ...(departures.safeguardOverridden && { safeguardOverridden: true }),
        },
        kept,
      );
      return this.finish(ctx, integrationId, taskId, { result: 'completed' });
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

  /** A finished task's outcome, as its stream recorded it (for a re-run after a crash). */
  private async outcomeOf(taskId: string): Promise<CheckOutcome> {
    for (const e of await this.events.readStream(automationTaskStream(taskId), {
      direction: 'backwards',
    })) {
      const event = toDomainEvent(e) as AutomationTaskEvent;
      if (event.type === 'AutomationTaskCompleted') return { result: 'completed' };
      if (event.type === 'AutomationTaskNotCompleted') {
        return { result: 'not_completed', failure: event.data.failure };
      }
    }
    return {
      result: 'not_completed',
      failure: { kind: 'internal', message: 'the task has no recorded outcome' },
    };
  }

  /** Ends the check on the integration; its health follows the outcome (healthAfterCheck). */
  private async finish(
    ctx: CommandContext,
    integrationId: string,
    taskId: string,
    outcome: CheckOutcome,
  ): Promise<CheckOutcome['result']> {
    const failure =
      outcome.result === 'not_completed'
        ? { kind: outcome.failure.kind, message: outcome.failure.message }
        : undefined;
    await this.commands.execute(
      integrationStream(integrationId),
      integrationDecider,
      {
        type: 'FinishCheck',
        taskId,
        outcome: failure ? { result: 'not_completed', failure } : outcome,
      },
      ctx,
      {
        // The health change rides in the same append as the end of the check.
        eventId: (_e, i) =>
          i === 0
            ? deterministicId('check-finished', taskId)
            : deterministicId('check-finished', taskId, String(i)),
      },
    );
    return outcome.result;
  }
}

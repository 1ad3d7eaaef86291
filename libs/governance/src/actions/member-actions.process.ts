import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ActionFailure,
  deterministicId,
  integrationDecider,
  integrationStream,
  MEMBER_ACTION_REQUEST_TYPES,
  memberDecider,
  type MemberEvent,
  type MemberState,
  memberStream,
  type PendingAction,
  type TaskKind,
  taskOutcomeOf,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import { actorOf, CommandExecutor, type CommandContext, toDomainEvent } from '@app/infrastructure';
import type { EventConsumer } from '@app/projections';
import {
  BUSINESS_ACTIONS,
  type BusinessActions,
  channelOf,
  failureOf,
  type MemberActionRequest,
  PinterestOperationFailed,
} from '../sync/business-reader.port';
import { AutomationLogins } from '../sync/automation-logins';
import { TaskRecorder } from '../sync/task-recorder';

export interface ActionRetryPolicy {
  maxAttempts: number;
  delayMs(attempt: number): number;
  concurrency: number;
}

export const ACTION_RETRY_POLICY = Symbol('ActionRetryPolicy');

export function defaultActionRetryPolicy(concurrency: number): ActionRetryPolicy {
  return { maxAttempts: 5, delayMs: (attempt) => 500 * 2 ** (attempt - 1), concurrency };
}

export const TASK_KIND_OF: Record<PendingAction['kind'], TaskKind> = {
  removal: 'removing_users',
  invite: 'adding_users',
  role: 'updating_user_roles',
  permissions: 'updating_user_roles',
};

function requestOf(pending: PendingAction, state: MemberState): MemberActionRequest {
  const pinterestUserId = state.pinterestUserId ?? '';
  switch (pending.kind) {
    case 'removal':
      return { kind: 'removal', pinterestUserId };
    case 'invite':
      return { kind: 'invite', email: pending.email, businessRole: pending.businessRole };
    case 'role':
      return { kind: 'role', pinterestUserId, businessRole: pending.to };
    case 'permissions':
      return {
        kind: 'permissions',
        pinterestUserId,
        assetId: pending.assetId,
        permissions: pending.to,
      };
  }
}

/**
 * The saga that carries a member action out on Pinterest. Its progress is recorded on the
 * member's stream (attempted → attempt failed … → outcome) with deterministic ids, and every
 * gateway call is idempotent, so a crash at any point ends, after a restart, with the change
 * applied exactly once and the events saying so.
 */
@Injectable()
export class MemberActionsProcess implements EventConsumer {
  readonly name = 'member-actions';
  readonly filter = { eventTypes: [...MEMBER_ACTION_REQUEST_TYPES] };
  private readonly logger = new Logger('MemberActions');

  constructor(
    private readonly events: EventStore,
    private readonly commands: CommandExecutor,
    private readonly tasks: TaskRecorder,
    private readonly logins: AutomationLogins,
    @Inject(BUSINESS_ACTIONS) private readonly pinterest: BusinessActions,
    @Inject(ACTION_RETRY_POLICY) private readonly policy: ActionRetryPolicy,
  ) {}

  get concurrency(): number {
    return this.policy.concurrency;
  }

  /** Never two actions at once on the same member. */
  keyOf(event: RecordedEvent): string {
    return event.stream;
  }

  async handle(recorded: RecordedEvent): Promise<void> {
    const request = toDomainEvent(recorded) as Extract<MemberEvent, { data: { taskId: string } }>;
    const { taskId, memberId, integrationId } = request.data;
    const stream = memberStream(memberId);
    const ctx: CommandContext = {
      workspaceId: recorded.metadata.workspaceId,
      ...actorOf(recorded.metadata),
      correlationId: recorded.metadata.correlationId,
      causationId: recorded.id,
    };
    const { state } = await this.commands.load(stream, memberDecider);
    const pending = state.pending;
    const kind = TASK_KIND_OF[pendingKindOf(request.type)];
    await this.tasks.queued(ctx, { taskId, integrationId, kind, trigger: 'web_app' });
    if (pending?.taskId !== taskId) {
      // Already answered (a replay after a crash): make sure the task says how it ended.
      return this.finishTask(ctx, stream, taskId);
    }

    const { state: integration } = await this.commands.load(
      integrationStream(integrationId),
      integrationDecider,
    );
    for (let attempt = pending.attempts + 1; ; attempt += 1) {
      await this.step(stream, ctx, taskId, `attempt:${attempt}`, {
        type: 'RecordActionAttempt',
        taskId,
        attempt,
      });
      await this.tasks.started(ctx, taskId, attempt);
      try {
        if (!integration.connected || !integration.businessId) {
          throw new PinterestOperationFailed({
            kind: 'integration_disconnected',
            retryable: false,
            message: 'the integration is not connected',
            evidence: [],
          });
        }
        const login = await this.logins.forIntegration(ctx.workspaceId, integration);
        const seen = await this.pinterest.perform(
          login,
          integration.businessId,
          requestOf(pending, state),
        );
        // The member decider says whether what was seen counts as ours; the task repeats it.
        const recorded = await this.step(stream, ctx, taskId, 'outcome', {
          type: 'CompleteAction',
          taskId,
          observed: seen.outcome,
          ...(seen.removedBy ? { removedBy: seen.removedBy } : {}),
        });
        const answer = recorded ? answerOf(recorded, taskId) : null;
        // Nothing appended: another run answered the request first; the log says how.
        if (!answer) return this.finishTask(ctx, stream, taskId);
        await this.commands.execute(
          integrationStream(integrationId),
          integrationDecider,
          { type: 'RecordActionOutcome', outcome: { result: 'completed' } },
          ctx,
        );
        await this.tasks.completed(ctx, taskId, {
          memberId,
          outcome: taskOutcomeOf(answer),
          attempts: attempt,
          observed: seen.outcome,
          channel: channelOf(login),
          afterInterruptedAttempt: attempt > 1,
          ...(seen.removedBy ? { removedBy: seen.removedBy } : {}),
        });
        return;
      } catch (error) {
        const failure = failureOf(error);
        const recordedFailure: ActionFailure = {
          kind: failure.kind,
          message: failure.message,
          evidence: failure.evidence,
        };
        if (failure.retryable && attempt < this.policy.maxAttempts) {
          const delay = this.policy.delayMs(attempt);
          const retryAt = new Date(Date.now() + delay);
          this.logger.warn(
            `task ${taskId}: attempt ${attempt} failed (${failure.kind}); retrying in ${delay} ms`,
          );
          await this.step(stream, ctx, taskId, `attempt-failed:${attempt}`, {
            type: 'RecordActionAttemptFailed',
            taskId,
            attempt,
            failure: recordedFailure,
            retryAt: retryAt.toISOString(),
          });
          await this.tasks.retrying(ctx, taskId, attempt, recordedFailure, retryAt);
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        this.logger.warn(
          `task ${taskId}: failed for good after ${attempt} attempt(s) (${failure.kind})`,
        );
        await this.step(stream, ctx, taskId, 'outcome', {
          type: 'FailAction',
          taskId,
          failure: recordedFailure,
        });
        await this.tasks.notCompleted(ctx, taskId, attempt, recordedFailure);
        await this.commands.execute(
          integrationStream(integrationId),
          integrationDecider,
          { type: 'RecordActionOutcome', outcome: { result: 'failed', failure } },
          ctx,
        );
        return;
      }
    }
  }

  private async step(
    stream: string,
    ctx: CommandContext,
    taskId: string,
    step: string,
    command: Parameters<typeof memberDecider.decide>[0],
  ): Promise<MemberEvent[] | null> {
    const result = await this.commands.execute(stream, memberDecider, command, ctx, {
      eventId: (_e, i) => deterministicId('member-action', taskId, step, i),
    });
    // The events this step appended, re-decided on the state it was decided on (pure).
    return result.appended > 0 ? memberDecider.decide(command, result.previous) : null;
  }

  /** The task stream mirrors the member stream's outcome, whichever was recorded last before a crash. */
  private async finishTask(ctx: CommandContext, stream: string, taskId: string): Promise<void> {
    const progress = await this.tasks.state(taskId);
    if (progress.finished) return;
    const history = await this.events.readStream(stream, { direction: 'backwards' });
    for (const e of history) {
      const event = toDomainEvent(e) as MemberEvent;
      const data = event.data as { taskId?: string };
      if (data.taskId !== taskId) continue;
      if (
        event.type === 'MemberRemovalFailed' ||
        event.type === 'MemberInviteFailed' ||
        event.type === 'MemberUpdateFailed'
      ) {
        return this.tasks.notCompleted(ctx, taskId, event.data.attempts, event.data.failure);
      }
      const outcome = taskOutcomeOf(event);
      if (outcome) {
        const seen = event.data as { outcome?: string; afterInterruptedAttempt?: boolean };
        return this.tasks.completed(ctx, taskId, {
          outcome,
          ...(seen.outcome ? { observed: seen.outcome } : {}),
          ...(seen.afterInterruptedAttempt !== undefined
            ? { afterInterruptedAttempt: seen.afterInterruptedAttempt }
            : {}),
        });
      }
    }
    // A change recorded before changes carried their task id.
    return this.tasks.completed(ctx, taskId, { outcome: 'applied' });
  }
}

/** The event of a completion step that answers the task. */
function answerOf(events: MemberEvent[], taskId: string): MemberEvent | null {
  return (
    events.find((e) => (e.data as { taskId?: string }).taskId === taskId && taskOutcomeOf(e)) ??
    null
  );
}

function pendingKindOf(type: string): PendingAction['kind'] {
  switch (type) {
    case 'MemberRemovalRequested':
      return 'removal';
    case 'MemberInviteRequested':
      return 'invite';
    case 'MemberBusinessRoleChangeRequested':
      return 'role';
    default:
      return 'permissions';
  }
}

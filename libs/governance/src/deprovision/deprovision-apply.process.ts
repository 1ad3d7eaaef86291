import { Injectable, Logger } from '@nestjs/common';
import {
  type DeprovisionReportApplied,
  deprovisionDecider,
  deprovisionReportStream,
  type DeprovisionState,
  deterministicId,
  Conflict,
  DomainError,
  integrationDecider,
  integrationStream,
  memberDecider,
  memberStream,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import { actorOf, CommandExecutor, type CommandContext } from '@app/infrastructure';
import type { EventConsumer } from '@app/projections';
import { TaskRecorder } from '../sync/task-recorder';
import { automationAccountEmailOf } from '../integrations/automation-account-email';

/** The verification check of an apply: one id per apply, so it is asked for once. */
export const verificationTaskIdOf = (applyId: string): string =>
  deterministicId('deprovision-verification', applyId);

const OUTCOMES = new Set(['MemberRemoved', 'MemberRemovalFailed']);

/**
 * Carries an applied report out: each member's removal is requested on its stream with the
 * task id the apply recorded (the removal saga does the rest, exactly once), and once every
 * removal of the apply has ended, a check is asked for (trigger `deprovision_verification`)
 * so that the proof does not wait for the daily check. Replayed after a crash, a request
 * already on a member's stream is not made again, and the verification is recorded once on
 * the report's stream before its check is queued.
 */
@Injectable()
export class DeprovisionApplyProcess implements EventConsumer {
  readonly name = 'deprovision-apply';
  readonly filter = {
    eventTypes: [
      'DeprovisionReportApplied',
      'MemberRemoved',
      'MemberRemovalFailed',
      'CheckForUpdatesFinished',
    ],
  };
  private readonly logger = new Logger('DeprovisionApply');
  /** Per apply, the tasks not yet ended (rebuilt from the streams after a restart). */
  private readonly unfinished = new Map<string, Set<string>>();

  constructor(
    private readonly events: EventStore,
    private readonly commands: CommandExecutor,
    private readonly tasks: TaskRecorder,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    const integrationId = (event.data as { integrationId: string }).integrationId;
    if (event.type === 'DeprovisionReportApplied') {
      await this.requestRemovals(event);
    } else if (OUTCOMES.has(event.type)) {
      const { taskId } = event.data as { taskId: string };
      for (const set of this.unfinished.values()) set.delete(taskId);
    }
    await this.verifyFinishedApplies(integrationId, event);
  }

  private async requestRemovals(event: RecordedEvent): Promise<void> {
    const d = (event as unknown as DeprovisionReportApplied).data;
    const ctx: CommandContext = {
      workspaceId: event.metadata.workspaceId,
      ...actorOf(event.metadata),
      correlationId: event.metadata.correlationId,
      causationId: event.id,
    };
    const automationAccountEmail = await automationAccountEmailOf(this.commands, d.integrationId);
    for (let i = 0; i < d.memberIds.length; i += 1) {
      const memberId = d.memberIds[i];
      const taskId = d.taskIds[i];
      const stream = memberStream(memberId);
      if (await this.requested(stream, taskId)) continue;
      await this.tasks.queued(ctx, {
        taskId,
        integrationId: d.integrationId,
        kind: 'removing_users',
        trigger: 'web_app',
      });
      try {
        await this.commands.execute(
          stream,
          memberDecider,
          { type: 'RemoveMember', taskId, automationAccountEmail },
          ctx,
          { eventId: (_e, j) => deterministicId('deprovision-apply', d.applyId, memberId, j) },
        );
      } catch (error) {
        // A conflict that outlived its retries is not a refusal: the event is handled again.
        if (!(error instanceof DomainError) || error instanceof Conflict) throw error;
        // The member changed since the report was read (removed by hand, busy, exempted):
        // the task ends here, saying why; the report item keeps its status.
        this.logger.warn(`apply ${d.applyId}: ${memberId} not removed: ${error.message}`);
        await this.tasks.notCompleted(ctx, taskId, 0, {
          kind: String(error.details?.reason ?? 'refused'),
          message: error.message,
          evidence: [],
        });
        this.unfinished.get(d.applyId)?.delete(taskId);
      }
    }
  }

  /** Whether the member's stream holds the removal request of this task. */
  private async requested(stream: string, taskId: string): Promise<boolean> {
    const history = await this.events.readStream(stream, { direction: 'backwards' });
    return history.some(
      (e) =>
        e.type === 'MemberRemovalRequested' && (e.data as { taskId: string }).taskId === taskId,
    );
  }

  private async verifyFinishedApplies(integrationId: string, event: RecordedEvent): Promise<void> {
    const { state } = await this.commands.load(
      deprovisionReportStream(integrationId),
      deprovisionDecider,
    );
    for (const [applyId, apply] of Object.entries(state.applies)) {
      if (apply.verificationTaskId !== null) {
        if (event.type === 'CheckForUpdatesFinished') this.unfinished.delete(applyId);
        continue;
      }
      if ((await this.unfinishedOf(applyId, state)).size > 0) continue;
      await this.requestVerification(integrationId, applyId, event);
    }
    // A verification recorded just before a crash, its check not yet asked for.
    for (const [applyId, apply] of Object.entries(state.applies)) {
      if (apply.verificationTaskId === null || event.type === 'MemberRemoved') continue;
      await this.queueCheck(integrationId, apply.verificationTaskId, event, applyId);
    }
  }

  private async unfinishedOf(applyId: string, state: DeprovisionState): Promise<Set<string>> {
    let set = this.unfinished.get(applyId);
    if (set) return set;
    const apply = state.applies[applyId];
    set = new Set<string>();
    for (let i = 0; i < apply.taskIds.length; i += 1) {
      const taskId = apply.taskIds[i];
      if ((await this.tasks.state(taskId)).finished) continue;
      const history = await this.events.readStream(memberStream(apply.memberIds[i]), {
        direction: 'backwards',
      });
      const ended = history.some(
        (e) => OUTCOMES.has(e.type) && (e.data as { taskId: string }).taskId === taskId,
      );
      if (!ended) set.add(taskId);
    }
    this.unfinished.set(applyId, set);
    return set;
  }

  private async requestVerification(
    integrationId: string,
    applyId: string,
    event: RecordedEvent,
  ): Promise<void> {
    const { state: integration } = await this.commands.load(
      integrationStream(integrationId),
      integrationDecider,
    );
    // A check already running may have read Pinterest before the removals: wait for its end.
    if (integration.activeCheckTaskId || !integration.connected) return;
    const taskId = verificationTaskIdOf(applyId);
    const ctx = this.systemContext(event);
    await this.commands.execute(
      deprovisionReportStream(integrationId),
      deprovisionDecider,
      { type: 'RequestVerification', applyId, taskId },
      ctx,
    );
    await this.queueCheck(integrationId, taskId, event, applyId);
  }

  private async queueCheck(
    integrationId: string,
    taskId: string,
    event: RecordedEvent,
    applyId: string,
  ): Promise<void> {
    const progress = await this.tasks.state(taskId);
    if (progress.finished) return;
    const { state: integration } = await this.commands.load(
      integrationStream(integrationId),
      integrationDecider,
    );
    if (integration.activeCheckTaskId === taskId) return;
    if (integration.activeCheckTaskId || !integration.connected) return;
    const ctx = this.systemContext(event);
    await this.tasks.queued(ctx, {
      taskId,
      integrationId,
      kind: 'syncing_users',
      trigger: 'deprovision_verification',
    });
    await this.commands.execute(
      integrationStream(integrationId),
      integrationDecider,
      { type: 'CheckForUpdates', taskId, trigger: 'deprovision_verification' },
      ctx,
    );
    this.logger.log(`apply ${applyId}: removals ended; verification check ${taskId} queued`);
  }

  private systemContext(event: RecordedEvent): CommandContext {
    return {
      workspaceId: event.metadata.workspaceId,
      actor: 'system',
      correlationId: event.metadata.correlationId,
      causationId: event.id,
    };
  }
}

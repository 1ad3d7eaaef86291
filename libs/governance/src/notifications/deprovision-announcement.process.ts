import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type AutomationTaskEvent,
  automationTaskStream,
  deprovisionDecider,
  deprovisionReportStream,
  deterministicId,
  notificationDecider,
  notificationStream,
  workspaceSettingsDecider,
  workspaceSettingsStream,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import {
  type CommandContext,
  CommandExecutor,
  READ_MODEL_STORE,
  toDomainEvent,
} from '@app/infrastructure';
import { type EventConsumer, ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import {
  DEPROVISION_REPORT,
  type DeprovisionReportItem,
  deprovisionReportProjection,
} from '../deprovision/deprovision-report.projection';
import {
  INTEGRATIONS,
  type IntegrationDoc,
  integrationsProjection,
} from '../read-models/integrations.projection';
import { deprovisionAnnouncement } from './deprovision-announcement.message';

export const ANNOUNCEMENT_TIMING = Symbol('AnnouncementTiming');

export interface AnnouncementTiming {
  /** How long to wait for the read models to reach the check's end. */
  catchUpMs: number;
  /** How long to wait for the message's outcome before trying again later. */
  deliveryMs: number;
}

export const defaultAnnouncementTiming: AnnouncementTiming = {
  catchUpMs: 60_000,
  deliveryMs: 10 * 60_000,
};

/**
 * After each completed check for updates, one email about the report's pending items that no
 * email announced yet, then `DeprovisionReportAnnounced` on the report's stream. Read from the
 * store like every saga: a check that completed before a crash is announced after the restart.
 * The message id follows from the check's task id, so a replay finds its message already queued
 * (and announces the members that message named), and the report's decider records one
 * announcement per message.
 */
@Injectable()
export class DeprovisionAnnouncementProcess implements EventConsumer {
  readonly name = 'deprovision-announcements';
  readonly filter = { eventTypes: ['AutomationTaskCompleted'] };
  private readonly logger = new Logger('DeprovisionAnnouncements');

  constructor(
    private readonly events: EventStore,
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    @Inject(ANNOUNCEMENT_TIMING) private readonly timing: AnnouncementTiming,
  ) {}

  async handle(recorded: RecordedEvent): Promise<void> {
    const taskId = (
      toDomainEvent(recorded) as Extract<AutomationTaskEvent, { type: 'AutomationTaskCompleted' }>
    ).data.taskId;
    const task = await this.checkTask(taskId);
    if (!task) return;
    const { integrationId } = task;
    const workspaceId = recorded.metadata.workspaceId;
    const ctx: CommandContext = {
      workspaceId,
      actor: 'system',
      correlationId: recorded.metadata.correlationId,
      causationId: recorded.id,
    };
    const notificationId = deterministicId('deprovision-announcement', taskId);
    const queued = await this.commands.load(
      notificationStream(notificationId),
      notificationDecider,
    );

    let memberIds = queued.state.memberIds;
    if (!queued.state.notificationId) {
      // The report as of the end of this check, and of every announcement before it; the
      // integration's label is the only other read model read.
      await this.projections.waitFor(await this.events.headPosition(), this.timing.catchUpMs, [
        deprovisionReportProjection.name,
        integrationsProjection.name,
      ]);
      const items = await this.unannounced(workspaceId, integrationId);
      if (items.length === 0) return;
      const integration = await this.readModels
        .collection<IntegrationDoc>(INTEGRATIONS)
        .get(integrationId);
      const { state: settings } = await this.commands.load(
        workspaceSettingsStream(workspaceId),
        workspaceSettingsDecider,
      );
      memberIds = items.map((i) => i.memberId);
      await this.commands.execute(
        notificationStream(notificationId),
        notificationDecider,
        {
          type: 'QueueNotification',
          notificationId,
          workspaceId,
          kind: 'deprovision_report',
          integrationId,
          memberIds,
          message: {
            to: settings.notificationEmails,
            ...deprovisionAnnouncement(
              {
                id: integrationId,
                label: integration?.label ?? integrationId,
                businessId: integration?.businessId ?? '',
              },
              items,
            ),
          },
        },
        ctx,
        { eventId: () => deterministicId('notification', notificationId, 'queued') },
      );
      this.logger.log(
        `check ${taskId}: ${items.length} new leaver(s) announced by ${notificationId}`,
      );
    }
    const outcome = await this.outcomeOf(notificationId);
    await this.commands.execute(
      deprovisionReportStream(integrationId),
      deprovisionDecider,
      {
        type: 'AnnounceReport',
        integrationId,
        memberIds,
        notificationId,
        delivered: outcome === 'sent',
      },
      ctx,
      { eventId: () => deterministicId('deprovision-announced', notificationId) },
    );
  }

  /** The integration of a completed check for updates; null for any other task. */
  private async checkTask(taskId: string): Promise<{ integrationId: string } | null> {
    for (const e of await this.events.readStream(automationTaskStream(taskId))) {
      const event = toDomainEvent(e) as AutomationTaskEvent;
      if (event.type === 'AutomationTaskQueued') {
        return event.data.kind === 'syncing_users'
          ? { integrationId: event.data.integrationId }
          : null;
      }
    }
    return null;
  }

  /** Pending items of the report that no message announced since the member left. */
  async unannounced(workspaceId: string, integrationId: string): Promise<DeprovisionReportItem[]> {
    const report = this.readModels.collection<DeprovisionReportItem>(DEPROVISION_REPORT);
    const out: DeprovisionReportItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await report.find({
        where: { integrationId, status: 'pending' },
        sort: [{ field: 'leftAt', direction: 'asc' }],
        limit: 500,
        cursor,
      });
      for (const item of page.items) {
        if (item.workspaceId !== workspaceId) continue;
        if (item.announcedAt && item.announcedAt >= item.leftAt) continue;
        out.push(item);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  /**
   * Whether the message reached anyone decides `delivered`: waits for its outcome (the
   * delivery saga's retries included). Past the wait, this throws and the runner tries again.
   */
  private async outcomeOf(notificationId: string): Promise<string> {
    const deadline = Date.now() + this.timing.deliveryMs;
    for (;;) {
      const { state } = await this.commands.load(
        notificationStream(notificationId),
        notificationDecider,
      );
      if (state.outcome) return state.outcome;
      if (Date.now() > deadline) {
        throw new Error(`notification ${notificationId} has no outcome yet`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

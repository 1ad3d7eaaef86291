import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Environment } from '@app/config';
import { Conflict, deprovisionDecider, deprovisionReportStream, InvalidCommand } from '@app/domain';
import { CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { type Caller, contextOf } from '../access/access.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { MembersQuery } from '../integrations/members.query';
import { TaskRecorder } from '../sync/task-recorder';
import {
  DEPROVISION_REPORT,
  DEPROVISION_REPORT_META,
  type DeprovisionReportItem,
  type DeprovisionReportMeta,
  REPORT_STATUSES,
  type ReportStatus,
} from './deprovision-report.projection';

export interface ReportItemView {
  memberId: string;
  name: string;
  email: string;
  identityId: string;
  leftAt: string;
  reason: string;
  access: DeprovisionReportItem['access'];
  status: ReportStatus;
  blockedReason: string | null;
  applyId: string | null;
  removalTaskId: string | null;
  removedAt: string | null;
  verifiedAt: string | null;
  verifiedRemovalSec: number | null;
  lastError: DeprovisionReportItem['lastError'];
  announcedAt: string | null;
}

export type ReportCounts = Record<ReportStatus, number> & {
  medianVerifiedRemovalSec: number | null;
  maxVerifiedRemovalSec: number | null;
};

export interface Safeguard {
  /** The integration's current members (every tab). */
  members: number;
  /** The leavers an apply would remove (pending and failed, or the ones named). */
  leaversPending: number;
  percent: number;
  thresholdPercent: number;
  exceeded: boolean;
}

export interface DeprovisionReportAnswer {
  items: ReportItemView[];
  nextCursor: string | null;
  counts: ReportCounts;
  safeguard: Safeguard;
  /** Whether anyone was told of the pending leavers: the last announcement, if any. */
  announcement: { lastAt: string; delivered: boolean; notificationId: string } | null;
  lastApply: DeprovisionReportMeta['lastApply'];
}

export interface ApplyAnswer {
  applyId: string | null;
  taskIds: string[];
  members: { memberId: string; name: string; email: string; taskId: string }[];
  skipped: { memberId: string; name: string; email: string; reason: string }[];
  confirmMassRemoval: boolean;
  safeguard: Safeguard;
}

export interface DryRunAnswer {
  dryRun: true;
  members: ReportItemView[];
  skipped: ApplyAnswer['skipped'];
  safeguard: Safeguard;
}

/** What an apply may remove: leavers still on Pinterest, never a blocked one. */
const REMOVABLE: ReportStatus[] = ['pending', 'failed'];

function view(item: DeprovisionReportItem): ReportItemView {
  return {
    memberId: item.memberId,
    name: item.name,
    email: item.email,
    identityId: item.identityId,
    leftAt: item.leftAt,
    reason: item.reason,
    access: item.access,
    status: item.status,
    blockedReason: item.blockedReason,
    applyId: item.applyId,
    removalTaskId: item.removalTaskId,
    removedAt: item.removedAt,
    verifiedAt: item.verifiedAt,
    verifiedRemovalSec: item.verifiedRemovalSec,
    lastError: item.lastError,
    announcedAt: item.announcedAt,
  };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The deprovision report of an integration and its apply: the admin reviews the leavers, then
 * applies the report; each leaver is removed by the removal saga as its own task, grouped by
 * the apply's id. The safeguard refuses an apply that would remove more than
 * DEPROVISION_SAFEGUARD_PERCENT of the members unless the admin confirms it.
 */
@Injectable()
export class DeprovisionService {
  constructor(
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly integrations: IntegrationsService,
    private readonly members: MembersQuery,
    private readonly tasks: TaskRecorder,
    private readonly env: Environment,
  ) {}

  async report(
    caller: Caller,
    integrationId: string,
    query: { status?: string; cursor?: string; limit: number },
  ): Promise<DeprovisionReportAnswer> {
    await this.integrations.integration(caller, integrationId);
    const page = await this.readModels.collection<DeprovisionReportItem>(DEPROVISION_REPORT).find({
      where: { integrationId, ...(query.status ? { status: query.status } : {}) },
      sort: [{ field: 'leftAt', direction: 'asc' }],
      limit: query.limit,
      cursor: query.cursor,
    });
    const meta = await this.meta(integrationId);
    const counts = this.counts(meta);
    return {
      items: page.items.map(view),
      nextCursor: page.nextCursor,
      counts,
      safeguard: await this.safeguard(integrationId, counts.pending + counts.failed),
      announcement: meta?.announcement ?? null,
      lastApply: meta?.lastApply ?? null,
    };
  }

  async apply(
    caller: Caller,
    integrationId: string,
    input: { memberIds?: string[]; dryRun?: boolean; confirmMassRemoval?: boolean },
  ): Promise<ApplyAnswer | DryRunAnswer> {
    await this.integrations.integration(caller, integrationId);
    const { targets, skipped } = input.memberIds
      ? await this.named(integrationId, input.memberIds)
      : await this.removable(integrationId);
    const safeguard = await this.safeguard(integrationId, targets.length);
    if (input.dryRun) return { dryRun: true, members: targets.map(view), skipped, safeguard };
    const confirmMassRemoval = input.confirmMassRemoval === true;
    if (safeguard.exceeded && !confirmMassRemoval) {
      throw new Conflict(
        `the apply would remove ${targets.length} of ${safeguard.members} members (${safeguard.percent} %), over the ${safeguard.thresholdPercent} % safeguard: confirm with confirmMassRemoval: true`,
        { safeguard },
      );
    }
    const none = {
      applyId: null,
      taskIds: [],
      members: [],
      skipped,
      confirmMassRemoval,
      safeguard,
    };
    if (targets.length === 0) return none;
    const applyId = randomUUID();
    const taskIds = targets.map(() => randomUUID());
    const ctx = contextOf(caller);
    await this.commands.execute(
      deprovisionReportStream(integrationId),
      deprovisionDecider,
      {
        type: 'ApplyReport',
        integrationId,
        applyId,
        memberIds: targets.map((t) => t.memberId),
        taskIds,
        confirmMassRemoval,
        appliedBy: caller.actor,
      },
      ctx,
    );
    // Queued now so that the answer's tasks can be read at once; the apply process queues
    // them too (the same step: a no-op) if this request stops here.
    for (const taskId of taskIds) {
      await this.tasks.queued(ctx, {
        taskId,
        integrationId,
        kind: 'removing_users',
        trigger: 'web_app',
      });
    }
    return {
      applyId,
      taskIds,
      members: targets.map((t, i) => ({
        memberId: t.memberId,
        name: t.name,
        email: t.email,
        taskId: taskIds[i],
      })),
      skipped,
      confirmMassRemoval,
      safeguard,
    };
  }

  /** The items named by the admin: each must be a pending or failed leaver of this report. */
  private async named(
    integrationId: string,
    memberIds: readonly string[],
  ): Promise<{ targets: DeprovisionReportItem[]; skipped: ApplyAnswer['skipped'] }> {
    const ids = [...new Set(memberIds)];
    const found = new Map(
      (await this.readModels.collection<DeprovisionReportItem>(DEPROVISION_REPORT).getMany(ids))
        .filter((item) => item.integrationId === integrationId)
        .map((item) => [item.memberId, item]),
    );
    const problems: { memberId: string; problem: string }[] = [];
    for (const id of ids) {
      const item = found.get(id);
      if (!item) problems.push({ memberId: id, problem: 'not a leaver in this report' });
      else if (!REMOVABLE.includes(item.status)) {
        problems.push({
          memberId: id,
          problem: `is ${item.status}${item.blockedReason ? ` (${item.blockedReason})` : ''}, not pending or failed`,
        });
      }
    }
    if (problems.length > 0) {
      throw new InvalidCommand(
        `memberIds: ${problems.map((p) => `${p.memberId} ${p.problem}`).join('; ')}`,
        { field: 'memberIds', memberIds: problems },
      );
    }
    return { targets: ids.map((id) => found.get(id) as DeprovisionReportItem), skipped: [] };
  }

  /** Every pending and failed item; blocked ones are listed as skipped, with the reason. */
  private async removable(
    integrationId: string,
  ): Promise<{ targets: DeprovisionReportItem[]; skipped: ApplyAnswer['skipped'] }> {
    // One read of the report, split by status (each part keeps its order).
    const items = await this.all(integrationId, [...REMOVABLE, 'blocked']);
    const targets = items.filter((item) => item.status !== 'blocked');
    const skipped = items
      .filter((item) => item.status === 'blocked')
      .map((item) => ({
        memberId: item.memberId,
        name: item.name,
        email: item.email,
        reason: item.blockedReason ?? 'blocked',
      }));
    return { targets, skipped };
  }

  private async all(
    integrationId: string,
    statuses: ReportStatus[],
  ): Promise<DeprovisionReportItem[]> {
    const out: DeprovisionReportItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.readModels
        .collection<DeprovisionReportItem>(DEPROVISION_REPORT)
        .find({
          where: { integrationId, status: { in: statuses } },
          sort: [{ field: 'leftAt', direction: 'asc' }],
          limit: 1000,
          cursor,
        });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  private meta(integrationId: string): Promise<DeprovisionReportMeta | null> {
    return this.readModels
      .collection<DeprovisionReportMeta>(DEPROVISION_REPORT_META)
      .get(integrationId);
  }

  private counts(meta: DeprovisionReportMeta | null): ReportCounts {
    const base = Object.fromEntries(
      REPORT_STATUSES.map((s) => [s, meta?.counts[s] ?? 0]),
    ) as Record<ReportStatus, number>;
    const secs = meta?.verifiedRemovalSecs ?? [];
    return {
      ...base,
      medianVerifiedRemovalSec: median(secs),
      maxVerifiedRemovalSec: secs.length > 0 ? secs[secs.length - 1] : null,
    };
  }

  private async safeguard(integrationId: string, leavers: number): Promise<Safeguard> {
    const tabs = await this.members.counts(integrationId);
    const members = tabs.unmatched + tabs.onboarded + tabs.exempted;
    const thresholdPercent = this.env.DEPROVISION_SAFEGUARD_PERCENT;
    const percent =
      members === 0 ? (leavers > 0 ? 100 : 0) : Math.round((leavers / members) * 1000) / 10;
    return {
      members,
      leaversPending: leavers,
      percent,
      thresholdPercent,
      exceeded: percent > thresholdPercent,
    };
  }
}

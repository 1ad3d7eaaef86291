import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  automationAccountDecider,
  automationAccountStream,
  Conflict,
  integrationDecider,
  integrationIdFor,
  integrationStream,
  InvalidCommand,
  NotFound,
  type TaskTrigger,
} from '@app/domain';
import { EventStore, type AppendResult } from '@app/eventstore';
import { CommandExecutor, type CommandContext, READ_MODEL_STORE } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { Vault } from '@app/vault';
import { type Caller, contextOf } from '../access/access.service';
import {
  AUTOMATION_ACCOUNTS,
  type AutomationAccountDoc,
} from '../read-models/automation-accounts.projection';
import {
  AUTOMATION_TASKS,
  type AutomationTaskDoc,
} from '../read-models/automation-tasks.projection';
import { INTEGRATIONS, type IntegrationDoc } from '../read-models/integrations.projection';
import { AutomationLogins } from '../sync/automation-logins';
import { TaskRecorder } from '../sync/task-recorder';
import { MembersQuery } from './members.query';
import type { ConnectIntegrationDto } from './integration.dto';

export interface IntegrationCard {
  id: string;
  label: string;
  businessId: string;
  loginMethod: 'sso' | 'password';
  automationAccountId: string;
  health: IntegrationDoc['health'];
  healthReason: string | null;
  connected: boolean;
  activeTaskId: string | null;
  lastCheck: IntegrationDoc['lastCheck'];
  memberCounts: { unmatched: number; onboarded: number; exempted: number };
  connectedAt: string;
}

const ctxOf = (caller: Caller): CommandContext => contextOf(caller);

@Injectable()
export class IntegrationsService {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly vault: Vault,
    private readonly tasks: TaskRecorder,
    private readonly members: MembersQuery,
    private readonly logins: AutomationLogins,
  ) {}

  async connect(caller: Caller, input: ConnectIntegrationDto): Promise<IntegrationCard> {
    const ctx = ctxOf(caller);
    const integrationId = integrationIdFor(caller.workspaceId, input.businessId);
    const { state } = await this.commands.load(
      integrationStream(integrationId),
      integrationDecider,
    );
    if (state.connected) {
      throw new Conflict(`business ${input.businessId} is already connected in this workspace`, {
        integrationId,
      });
    }
    const accountId = input.automationAccount.id
      ? await this.logins.requireInWorkspace(
          caller.workspaceId,
          input.automationAccount.id,
          (id) =>
            new InvalidCommand(
              `automationAccount.id: no automation account ${id} in this workspace`,
            ),
        )
      : await this.addAccount(
          ctx,
          input.automationAccount as Required<ConnectIntegrationDto['automationAccount']>,
        );
    const result = await this.commands.execute(
      integrationStream(integrationId),
      integrationDecider,
      {
        type: 'ConnectIntegration',
        integrationId,
        label: input.label,
        businessId: input.businessId,
        loginMethod: input.loginMethod,
        automationAccountId: accountId,
      },
      ctx,
    );
    await this.settle(result.append);
    return this.get(caller, integrationId);
  }

  async list(caller: Caller): Promise<IntegrationCard[]> {
    const page = await this.readModels
      .collection<IntegrationDoc>(INTEGRATIONS)
      .find({ where: { workspaceId: caller.workspaceId, connected: true }, limit: 1000 });
    return this.cards(page.items);
  }

  /**
   * The cards of these integrations that the caller's workspace holds, in one read of the
   * integrations and one of their counts; unknown, foreign or disconnected ids are left out.
   */
  async getMany(caller: Caller, integrationIds: readonly string[]): Promise<IntegrationCard[]> {
    if (integrationIds.length === 0) return [];
    const docs = await this.readModels
      .collection<IntegrationDoc>(INTEGRATIONS)
      .getMany(integrationIds);
    return this.cards(docs.filter((d) => d.workspaceId === caller.workspaceId && d.connected));
  }

  async get(caller: Caller, integrationId: string): Promise<IntegrationCard> {
    return this.card(await this.integration(caller, integrationId));
  }

  async disconnect(caller: Caller, integrationId: string): Promise<void> {
    await this.integration(caller, integrationId);
    const result = await this.commands.execute(
      integrationStream(integrationId),
      integrationDecider,
      { type: 'DisconnectIntegration' },
      ctxOf(caller),
    );
    await this.settle(result.append);
  }

  /**
   * Queues a check; while one is queued or running, that one is the answer. With
   * confirmDepartures, the caller lets this check record departures past the import safeguard.
   */
  async checkForUpdates(
    caller: Caller,
    integrationId: string,
    trigger: TaskTrigger,
    options: { confirmDepartures?: boolean } = {},
  ): Promise<{ taskId: string; created: boolean }> {
    await this.integration(caller, integrationId);
    const stream = integrationStream(integrationId);
    const { state } = await this.commands.load(stream, integrationDecider);
    const command = {
      type: 'CheckForUpdates' as const,
      taskId: randomUUID(),
      trigger,
      confirmDepartures: options.confirmDepartures,
    };
    if (state.activeCheckTaskId) {
      // Asked before a task is queued, so that a refused confirmation appends nothing.
      integrationDecider.decide(command, state);
      return { taskId: state.activeCheckTaskId, created: false };
    }
    const ctx = ctxOf(caller);
    const { taskId } = command;
    await this.tasks.queued(ctx, { taskId, integrationId, kind: 'syncing_users', trigger });
    let result;
    try {
      result = await this.commands.execute(stream, integrationDecider, command, ctx);
    } catch (error) {
      // A check began meanwhile and the confirmation was refused: this task never runs.
      await this.tasks.notCompleted(ctx, taskId, 0, {
        kind: 'superseded',
        message: error instanceof Error ? error.message : String(error),
        evidence: [],
      });
      throw error;
    }
    if (result.appended === 0) {
      // Another request won the race: this task never runs, and says why.
      await this.tasks.notCompleted(ctx, taskId, 0, {
        kind: 'superseded',
        message: `check ${result.state.activeCheckTaskId ?? ''} was already running`,
        evidence: [],
      });
      return { taskId: result.state.activeCheckTaskId ?? taskId, created: false };
    }
    await this.settle(result.append);
    return { taskId, created: true };
  }

  /** Every connected integration of every workspace: what the daily check runs over. */
  async allConnected(): Promise<{ workspaceId: string; id: string }[]> {
    const out: { workspaceId: string; id: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.readModels
        .collection<IntegrationDoc>(INTEGRATIONS)
        .find({ where: { connected: true }, limit: 500, cursor });
      out.push(...page.items.map((d) => ({ workspaceId: d.workspaceId, id: d.id })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  async accounts(caller: Caller): Promise<AutomationAccountDoc[]> {
    const page = await this.readModels
      .collection<AutomationAccountDoc>(AUTOMATION_ACCOUNTS)
      .find({ where: { workspaceId: caller.workspaceId }, limit: 1000 });
    return page.items;
  }

  async tasksOf(
    caller: Caller,
    query: { integrationId?: string; status?: string; cursor?: string; limit: number },
  ): Promise<{ items: AutomationTaskDoc[]; nextCursor: string | null }> {
    return this.readModels.collection<AutomationTaskDoc>(AUTOMATION_TASKS).find({
      where: {
        workspaceId: caller.workspaceId,
        ...(query.integrationId ? { integrationId: query.integrationId } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      sort: [{ field: 'createdAt', direction: 'desc' }],
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  async task(caller: Caller, taskId: string): Promise<AutomationTaskDoc> {
    const doc = await this.readModels.collection<AutomationTaskDoc>(AUTOMATION_TASKS).get(taskId);
    if (!doc || doc.workspaceId !== caller.workspaceId)
      throw new NotFound(`automation task ${taskId} not found`);
    return doc;
  }

  async integration(caller: Caller, integrationId: string): Promise<IntegrationDoc> {
    const doc = await this.readModels.collection<IntegrationDoc>(INTEGRATIONS).get(integrationId);
    if (!doc || doc.workspaceId !== caller.workspaceId || !doc.connected) {
      throw new NotFound(`integration ${integrationId} not found`);
    }
    return doc;
  }

  /** Read-your-writes: the answer to a command reflects it. */
  async settle(append: AppendResult | null): Promise<void> {
    if (append) await this.projections.waitFor(append.position, 10_000);
  }

  private async card(doc: IntegrationDoc): Promise<IntegrationCard> {
    return this.cardOf(doc, await this.members.counts(doc.id));
  }

  private async cards(docs: readonly IntegrationDoc[]): Promise<IntegrationCard[]> {
    const counts = await this.members.countsOf(docs.map((d) => d.id));
    return docs.map((doc) => this.cardOf(doc, counts.get(doc.id) ?? this.noMembers()));
  }

  private noMembers(): IntegrationCard['memberCounts'] {
    return { unmatched: 0, onboarded: 0, exempted: 0 };
  }

  private cardOf(
    doc: IntegrationDoc,
    memberCounts: IntegrationCard['memberCounts'],
  ): IntegrationCard {
    return {
      id: doc.id,
      label: doc.label,
      businessId: doc.businessId,
      loginMethod: doc.loginMethod,
      automationAccountId: doc.automationAccountId,
      health: doc.health,
      healthReason: doc.healthReason,
      connected: doc.connected,
      activeTaskId: doc.activeTaskId,
      lastCheck: doc.lastCheck,
      memberCounts,
      connectedAt: doc.connectedAt,
    };
  }

  private async addAccount(
    ctx: CommandContext,
    input: { label: string; email: string; password: string; phone?: string },
  ): Promise<string> {
    const accountId = randomUUID();
    const passwordRef = await this.vault.put(input.password, {
      workspaceId: ctx.workspaceId,
      purpose: `automation-account:${accountId}`,
    });
    await this.commands.execute(
      automationAccountStream(accountId),
      automationAccountDecider,
      {
        type: 'AddAutomationAccount',
        accountId,
        label: input.label,
        email: input.email,
        phone: input.phone ?? null,
        passwordRef,
      },
      ctx,
    );
    return accountId;
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type AssetPermission,
  automationAccountDecider,
  automationAccountStream,
  businessStream,
  catalogDecider,
  deterministicId,
  InvalidCommand,
  memberDecider,
  type MemberCommand,
  memberStream,
  normalizeEmail,
  NotFound,
  permissionsFor,
} from '@app/domain';
import { EventStore } from '@app/eventstore';
import { CommandExecutor, type CommandContext, READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { Vault } from '@app/vault';
import { type Caller, contextOf } from '../access/access.service';
import { IdentityDirectory } from '../directory/identity-directory.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { type MemberView, MembersQuery } from '../integrations/members.query';
import { ASSETS, assetDocId, type AssetDoc } from '../read-models/assets.projection';
import {
  AUTOMATION_ACCOUNTS,
  type AutomationAccountDoc,
} from '../read-models/automation-accounts.projection';
import { MEMBERS, type MemberDoc } from '../read-models/members.projection';
import { BUSINESS_ACTIONS, type BusinessActions, failureOf } from '../sync/business-reader.port';
import { AutomationLogins } from '../sync/automation-logins';
import { TaskRecorder } from '../sync/task-recorder';
import { TASK_KIND_OF } from './member-actions.process';
import { automationAccountEmailOf } from '../integrations/automation-account-email';

/** The account after a connect, and why the new credentials were refused if they were. */
export interface AutomationAccountConnection {
  account: AutomationAccountDoc;
  refused: { reason: string; keptPreviousCredentials: boolean } | null;
}

export interface ActionAnswer {
  taskId: string | null;
  member: MemberView;
}

const ctxOf = (caller: Caller): CommandContext => contextOf(caller);

/**
 * What an admin does to a member. Each command is decided on the member's stream (a
 * conflicting concurrent action gets 409); what must happen on Pinterest is left to the saga,
 * which reads the request from the store.
 */
@Injectable()
export class MemberActionsService {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly integrations: IntegrationsService,
    private readonly members: MembersQuery,
    private readonly directory: IdentityDirectory,
    private readonly tasks: TaskRecorder,
    private readonly vault: Vault,
    private readonly logins: AutomationLogins,
    @Inject(BUSINESS_ACTIONS) private readonly pinterest: BusinessActions,
  ) {}

  async exempt(
    caller: Caller,
    integrationId: string,
    memberId: string,
    reason: string,
    expiresAt?: string,
  ): Promise<ActionAnswer> {
    return this.act(caller, integrationId, memberId, {
      type: 'ExemptMember',
      reason,
      ...(expiresAt !== undefined ? { expiresAt, now: new Date().toISOString() } : {}),
    });
  }

  async unexempt(caller: Caller, integrationId: string, memberId: string): Promise<ActionAnswer> {
    return this.act(caller, integrationId, memberId, { type: 'UnexemptMember' });
  }

  async remove(caller: Caller, integrationId: string, memberId: string): Promise<ActionAnswer> {
    return this.act(caller, integrationId, memberId, {
      type: 'RemoveMember',
      taskId: randomUUID(),
      automationAccountEmail: await automationAccountEmailOf(this.commands, integrationId),
    });
  }

  async changeRole(
    caller: Caller,
    integrationId: string,
    memberId: string,
    role: 'employee' | 'manager',
  ): Promise<ActionAnswer> {
    return this.act(caller, integrationId, memberId, {
      type: 'ChangeBusinessRole',
      taskId: randomUUID(),
      role,
      automationAccountEmail: await automationAccountEmailOf(this.commands, integrationId),
    });
  }

  async changePermissions(
    caller: Caller,
    integrationId: string,
    memberId: string,
    assetId: string,
    permissions: string[],
  ): Promise<ActionAnswer> {
    // Whose integration it is comes first: an asset check on another workspace's integration
    // would tell its caller that the integration exists (400 here, 404 for an unknown id).
    await this.integrations.integration(caller, integrationId);
    const asset = await this.readModels
      .collection<AssetDoc>(ASSETS)
      .get(assetDocId(integrationId, assetId));
    if (!asset || !asset.present)
      throw new InvalidCommand(`assetId: no asset ${assetId} in this business`, {
        field: 'assetId',
      });
    const offered = permissionsFor(asset.assetType as Parameters<typeof permissionsFor>[0]);
    const wrong = permissions.filter((p) => !offered.includes(p as AssetPermission));
    if (wrong.length > 0) {
      throw new InvalidCommand(
        `permissions: ${wrong.join(', ')} cannot be given on ${asset.assetType}; offered: ${offered.join(', ')}`,
        { field: 'permissions' },
      );
    }
    return this.act(caller, integrationId, memberId, {
      type: 'ChangeAssetPermissions',
      taskId: randomUUID(),
      assetId,
      permissions: permissions as AssetPermission[],
      automationAccountEmail: await automationAccountEmailOf(this.commands, integrationId),
    });
  }

  async match(
    caller: Caller,
    integrationId: string,
    memberId: string,
    identityId: string,
    role: 'owner' | 'collaborator',
  ): Promise<ActionAnswer> {
    const identity = await this.directory.get(caller.workspaceId, identityId);
    if (!identity || identity.deleted) throw new NotFound(`identity ${identityId} not found`);
    const email =
      identity.emails.find((e) => e.primary)?.value ??
      identity.emails[0]?.value ??
      identity.userName;
    return this.act(caller, integrationId, memberId, {
      type: 'MatchMember',
      identityId,
      role,
      identity: { active: identity.active, email: email ? normalizeEmail(email) : null },
      alreadyOnBusiness: await this.onBusiness(integrationId, identity.normalizedEmails),
      taskId: randomUUID(),
    });
  }

  /** Stores the member's own Pinterest credentials once a login with them works. */
  async connectMemberAccount(
    caller: Caller,
    integrationId: string,
    memberId: string,
    credentials: { email: string; password: string },
  ): Promise<ActionAnswer> {
    await this.member(caller, integrationId, memberId);
    const failure = await this.loginFailure(credentials);
    const credentialsRef = failure
      ? ''
      : await this.vault.put(JSON.stringify(credentials), {
          workspaceId: caller.workspaceId,
          purpose: `member-account:${memberId}`,
        });
    return this.act(caller, integrationId, memberId, {
      type: 'ConnectAccount',
      credentialsRef,
      ok: failure === null,
      reason: failure ?? undefined,
    });
  }

  /**
   * New credentials for the automation account, verified by a login before they are kept. A
   * refused login says nothing about the credentials in force: it is recorded as a refusal,
   * and a working account stays connected with its previous credentials.
   */
  async connectAutomationAccount(
    caller: Caller,
    accountId: string,
    credentials: { email: string; password: string },
  ): Promise<AutomationAccountConnection> {
    await this.logins.requireInWorkspace(
      caller.workspaceId,
      accountId,
      (id) => new NotFound(`automation account ${id} not found`),
    );
    const failure = await this.loginFailure(credentials);
    const ctx = ctxOf(caller);
    const stream = automationAccountStream(accountId);
    const result =
      failure === null
        ? await this.commands.execute(
            stream,
            automationAccountDecider,
            {
              type: 'ChangeAutomationAccountCredentials',
              email: credentials.email,
              passwordRef: await this.vault.put(credentials.password, {
                workspaceId: caller.workspaceId,
                purpose: `automation-account:${accountId}`,
              }),
            },
            ctx,
          )
        : await this.commands.execute(
            stream,
            automationAccountDecider,
            { type: 'RefuseAutomationAccountCredentials', reason: failure },
            ctx,
          );
    await this.integrations.settle(result.append);
    const account = await this.readModels
      .collection<AutomationAccountDoc>(AUTOMATION_ACCOUNTS)
      .get(accountId);
    if (!account) throw new NotFound(`automation account ${accountId} not found`);
    return {
      account,
      refused:
        failure === null
          ? null
          : { reason: failure, keptPreviousCredentials: result.state.passwordRef !== null },
    };
  }

  /** Why a login with these credentials is refused, or null when it works. */
  private async loginFailure(credentials: {
    email: string;
    password: string;
  }): Promise<string | null> {
    try {
      await this.pinterest.verifyLogin(credentials);
      return null;
    } catch (error) {
      return failureOf(error).message;
    }
  }

  private async act(
    caller: Caller,
    integrationId: string,
    memberId: string,
    command: MemberCommand,
  ): Promise<ActionAnswer> {
    await this.member(caller, integrationId, memberId);
    const ctx = ctxOf(caller);
    const stream = memberStream(memberId);
    const result = await this.commands.execute(stream, memberDecider, command, ctx, {
      eventId: (_e, i, revision) => deterministicId(stream, 'action', revision, i),
    });
    const pending = result.state.pending;
    const taskId =
      'taskId' in command && pending?.taskId === command.taskId ? command.taskId : null;
    if (taskId && pending) {
      await this.tasks.queued(ctx, {
        taskId,
        integrationId,
        kind: TASK_KIND_OF[pending.kind],
        trigger: 'web_app',
      });
    }
    await this.integrations.settle(result.append);
    return { taskId, member: await this.members.one(integrationId, memberId) };
  }

  private async member(
    caller: Caller,
    integrationId: string,
    memberId: string,
  ): Promise<MemberDoc> {
    await this.integrations.integration(caller, integrationId);
    const doc = await this.readModels.collection<MemberDoc>(MEMBERS).get(memberId);
    if (!doc || doc.integrationId !== integrationId)
      throw new NotFound(`member ${memberId} not found`);
    return doc;
  }

  /** Whether one of these emails is already a member or a pending invitation of the business. */
  private async onBusiness(integrationId: string, emails: readonly string[]): Promise<boolean> {
    const members = this.readModels.collection<MemberDoc>(MEMBERS);
    for (const email of emails) {
      const page = await members.find({
        where: {
          integrationId,
          emailNormalized: email,
          tab: { in: ['unmatched', 'onboarded', 'exempted'] },
        },
        limit: 1,
      });
      if (page.items.length > 0) return true;
    }
    const { state } = await this.commands.load(businessStream(integrationId), catalogDecider);
    return emails.some((e) => state.invites.get(e)?.status === 'PENDING');
  }
}

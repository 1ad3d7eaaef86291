import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Environment } from '@app/config';
import {
  type Connector,
  type OAuthRefs,
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
import {
  type ApiLogin,
  failureOf,
  PINTEREST_AUTHORIZER,
  type PinterestAuthorizer,
} from '../sync/business-reader.port';
import { TaskRecorder } from '../sync/task-recorder';
import { MembersQuery } from './members.query';
import type { ConnectIntegrationDto } from './integration.dto';

/** How long an authorization-code flow's state stays good. */
export const AUTHORIZATION_STATE_TTL_MS = 10 * 60_000;
export const OAUTH_CALLBACK_PATH = '/oauth/pinterest/callback';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface IntegrationCard {
  id: string;
  label: string;
  businessId: string;
  connector: Connector;
  loginMethod: 'sso' | 'password' | null;
  automationAccountId: string | null;
  /** API connector: the scopes the app's token was granted and when the token expires. */
  authorization: { scopes: string[]; missingScopes: string[]; tokenExpiresAt: string } | null;
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
    private readonly env: Environment,
    @Optional() @Inject(PINTEREST_AUTHORIZER) private readonly authorizer?: PinterestAuthorizer,
  ) {}

  private readonly logger = new Logger('Integrations');

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
    const connector: Connector = input.connector ?? 'browser';
    if (connector === 'browser' && input.oauth) {
      throw new InvalidCommand('oauth: only with connector "api"');
    }
    const account = input.automationAccount;
    const accountId = !account
      ? null
      : account.id
        ? await this.logins.requireInWorkspace(
            caller.workspaceId,
            account.id,
            (id) =>
              new InvalidCommand(
                `automationAccount.id: no automation account ${id} in this workspace`,
              ),
          )
        : await this.addAccount(ctx, account as Required<NonNullable<typeof account>>);
    const oauth = input.oauth ? await this.vaultOAuth(ctx, integrationId, input.oauth) : undefined;
    const result = await this.commands.execute(
      integrationStream(integrationId),
      integrationDecider,
      {
        type: 'ConnectIntegration',
        integrationId,
        label: input.label,
        businessId: input.businessId,
        connector,
        loginMethod: input.loginMethod ?? null,
        automationAccountId: accountId,
        ...(oauth && { oauth }),
      },
      ctx,
    );
    await this.settle(result.append);
    if (oauth?.refreshTokenRef && input.oauth?.refreshToken) {
      await this.verifyAuthorization(ctx, integrationId, {
        connector: 'api',
        key: integrationId,
        clientId: input.oauth.clientId,
        clientSecret: input.oauth.clientSecret,
        refreshToken: input.oauth.refreshToken,
      });
    }
    await this.settle(result.append);
    return this.get(caller, integrationId);
  }

  /** The app's secrets into the vault; the log keeps their references only. */
  private async vaultOAuth(
    ctx: CommandContext,
    integrationId: string,
    input: { clientId: string; clientSecret: string; refreshToken?: string },
  ): Promise<OAuthRefs> {
    const put = (secret: string, what: string) =>
      this.vault.put(secret, {
        workspaceId: ctx.workspaceId,
        purpose: `integration-oauth:${integrationId}:${what}`,
      });
    return {
      clientIdRef: await put(input.clientId, 'client-id'),
      clientSecretRef: await put(input.clientSecret, 'client-secret'),
      refreshTokenRef: input.refreshToken ? await put(input.refreshToken, 'refresh-token') : null,
    };
  }

  /**
   * Asks Pinterest for a token and records what it grants (a missing scope shows on the card);
   * a refused authorization sends the card to review. Pinterest unreachable changes nothing.
   */
  private async verifyAuthorization(
    ctx: CommandContext,
    integrationId: string,
    login: ApiLogin,
  ): Promise<void> {
    if (!this.authorizer) return;
    const stream = integrationStream(integrationId);
    try {
      const granted = await this.authorizer.verify(login);
      const result = await this.commands.execute(
        stream,
        integrationDecider,
        {
          type: 'RecordAuthorization',
          now: new Date().toISOString(),
          refreshTokenRef: null,
          scopes: granted.scopes,
          tokenExpiresAt: granted.tokenExpiresAt,
          missingScopes: this.authorizer.requiredScopes.filter((s) => !granted.scopes.includes(s)),
        },
        ctx,
      );
      await this.settle(result.append);
    } catch (error) {
      const failure = failureOf(error);
      if (failure.kind !== 'authorization') {
        this.logger.warn(
          `integration ${integrationId}: authorization not verified (${failure.kind})`,
        );
        return;
      }
      const result = await this.commands.execute(
        stream,
        integrationDecider,
        { type: 'ChangeHealth', to: 'review_service_account', reason: failure.message },
        ctx,
      );
      await this.settle(result.append);
    }
  }

  /** Begins the authorization-code flow: the URL of Pinterest's consent page for this app. */
  async startAuthorization(
    caller: Caller,
    integrationId: string,
  ): Promise<{ authorizeUrl: string; expiresAt: string }> {
    await this.integration(caller, integrationId);
    if (!this.env.PUBLIC_BASE_URL) {
      throw new Conflict(
        'PUBLIC_BASE_URL is not set: Pinterest needs the address of this service to send the authorization back',
        { integrationId },
      );
    }
    if (!this.authorizer) throw new Conflict('no Pinterest API is configured', { integrationId });
    const stream = integrationStream(integrationId);
    const { state } = await this.commands.load(stream, integrationDecider);
    if (state.connector !== 'api' || !state.oauth) {
      throw new Conflict('only an API integration is authorized through OAuth', { integrationId });
    }
    // The state names the integration and carries a secret; the log keeps its hash only.
    const oauthState = `${integrationId}.${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + AUTHORIZATION_STATE_TTL_MS).toISOString();
    const result = await this.commands.execute(
      stream,
      integrationDecider,
      { type: 'StartAuthorization', stateHash: sha256(oauthState), expiresAt },
      ctxOf(caller),
    );
    await this.settle(result.append);
    const url = new URL(this.authorizer.authorizeUrl);
    url.searchParams.set(
      'client_id',
      await this.vault.get(state.oauth.clientIdRef, caller.workspaceId),
    );
    url.searchParams.set('redirect_uri', this.redirectUri());
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', this.authorizer.requiredScopes.join(','));
    url.searchParams.set('state', oauthState);
    return { authorizeUrl: url.toString(), expiresAt };
  }

  private redirectUri(): string {
    return `${(this.env.PUBLIC_BASE_URL ?? '').replace(/\/+$/, '')}${OAUTH_CALLBACK_PATH}`;
  }

  /**
   * Pinterest's redirect after the consent page: the state proves which workspace and
   * integration asked (once, within its ten minutes); the code becomes a vaulted refresh token.
   */
  async completeAuthorization(query: {
    state: string;
    code?: string;
    error?: string;
  }): Promise<{ integrationId: string; health: string; scopes: string[] }> {
    const integrationId = query.state.split('.')[0] ?? '';
    const refused = (): InvalidCommand =>
      new InvalidCommand('state: unknown, already used or expired');
    if (!/^[0-9a-f-]{36}$/i.test(integrationId)) throw refused();
    const doc = await this.readModels.collection<IntegrationDoc>(INTEGRATIONS).get(integrationId);
    if (!doc || !doc.connected || !this.authorizer) throw refused();
    const stream = integrationStream(integrationId);
    const { state } = await this.commands.load(stream, integrationDecider);
    const pending = state.pendingAuthorization;
    const now = new Date().toISOString();
    if (
      !pending ||
      pending.stateHash !== sha256(query.state) ||
      pending.expiresAt <= now ||
      !state.oauth
    ) {
      throw refused();
    }
    if (query.error || !query.code) {
      throw new InvalidCommand(
        `code: Pinterest sent no authorization${query.error ? ` (${query.error.slice(0, 100)})` : ''}`,
      );
    }
    const ctx: CommandContext = {
      workspaceId: doc.workspaceId,
      actor: 'pinterest-oauth',
      correlationId: randomUUID(),
    };
    const [clientId, clientSecret] = await Promise.all([
      this.vault.get(state.oauth.clientIdRef, doc.workspaceId),
      this.vault.get(state.oauth.clientSecretRef, doc.workspaceId),
    ]);
    let granted: Awaited<ReturnType<PinterestAuthorizer['exchangeCode']>>;
    try {
      granted = await this.authorizer.exchangeCode({
        clientId,
        clientSecret,
        code: query.code,
        redirectUri: this.redirectUri(),
      });
    } catch (error) {
      throw new InvalidCommand(`code: ${failureOf(error).message}`);
    }
    const refreshTokenRef = await this.vault.put(granted.refreshToken, {
      workspaceId: doc.workspaceId,
      purpose: `integration-oauth:${integrationId}:refresh-token`,
    });
    const result = await this.commands.execute(
      stream,
      integrationDecider,
      {
        type: 'RecordAuthorization',
        stateHash: sha256(query.state),
        now,
        refreshTokenRef,
        scopes: granted.scopes,
        tokenExpiresAt: granted.tokenExpiresAt,
        missingScopes: this.authorizer.requiredScopes.filter((s) => !granted.scopes.includes(s)),
      },
      ctx,
    );
    await this.settle(result.append);
    return { integrationId, health: result.state.health, scopes: granted.scopes };
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
      connector: doc.connector ?? 'browser',
      loginMethod: doc.loginMethod,
      automationAccountId: doc.automationAccountId,
      authorization: doc.authorization ?? null,
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

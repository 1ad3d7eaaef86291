import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  deterministicId,
  workspaceDecider,
  workspaceStream,
  type CredentialKind,
  type WorkspaceCreated,
} from '@app/domain';
import { EventStore } from '@app/eventstore';
import { type CommandContext, CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { CREDENTIALS, type CredentialDoc, credentialsProjection } from './credentials.projection';

export const DEFAULT_WORKSPACE_ID = 'default';

export interface Caller {
  workspaceId: string;
  /** The credential's name: what every event of the request records as its actor. */
  actor: string;
  credentialId: string;
  /**
   * One per HTTP request (or per scheduled run): every event appended on its behalf carries
   * it, and the sagas those events start carry it on.
   */
  correlationId: string;
}

/** The metadata context of everything a caller's request appends. */
export function contextOf(caller: Caller): CommandContext {
  return {
    workspaceId: caller.workspaceId,
    actor: caller.actor,
    correlationId: caller.correlationId,
  };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A workspace as `workspaces list` shows it: never a credential. */
export interface WorkspaceSummary {
  workspaceId: string;
  name: string;
  createdAt: string;
}

/** What `workspaces create` prints once: the only time the secrets are shown. */
export interface CreatedWorkspace {
  workspaceId: string;
  adminKey: string;
  scimToken: string;
}

/**
 * Workspaces and their credentials. Secrets are only ever compared by hash; a generated
 * secret is shown once, at the start that created it.
 */
@Injectable()
export class AccessService {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly events: EventStore,
  ) {}

  /**
   * The embedded default: one workspace with an admin API key (ADMIN_API_KEY, else generated
   * and printed once) and a SCIM token (SCIM_TOKEN, else generated and printed once).
   */
  async bootstrap(options: {
    adminApiKey?: string;
    scimToken?: string;
    announce?: (line: string) => void;
  }): Promise<void> {
    const ctx = { workspaceId: DEFAULT_WORKSPACE_ID, actor: 'system' };
    const stream = workspaceStream(DEFAULT_WORKSPACE_ID);
    const { state } = await this.commands.execute(
      stream,
      workspaceDecider,
      { type: 'CreateWorkspace', workspaceId: DEFAULT_WORKSPACE_ID, name: 'Default workspace' },
      ctx,
      { eventId: () => deterministicId(stream, 'created') },
    );
    const hasKind = (kind: CredentialKind) =>
      [...state.credentials.values()].some((c) => c.kind === kind);
    const announce = options.announce ?? ((line: string) => this.logger.warn(line));

    const issue = async (kind: CredentialKind, name: string, secret: string) => {
      const secretHash = hashSecret(secret);
      await this.commands.execute(
        stream,
        workspaceDecider,
        {
          type: 'IssueCredential',
          credentialId: deterministicId('credential', secretHash),
          kind,
          name,
          secretHash,
        },
        ctx,
        { eventId: () => deterministicId(stream, 'credential', secretHash) },
      );
    };
    if (options.adminApiKey) await issue('api_key', 'admin', options.adminApiKey);
    else if (!hasKind('api_key')) {
      const key = `pak_${randomBytes(24).toString('base64url')}`;
      await issue('api_key', 'admin', key);
      announce(`Admin API key (shown once, store it now): ${key}`);
    }
    if (options.scimToken) await issue('scim_token', 'scim', options.scimToken);
    else if (!hasKind('scim_token')) {
      const token = `scim_${randomBytes(24).toString('base64url')}`;
      await issue('scim_token', 'scim', token);
      announce(`SCIM bearer token (shown once, store it now): ${token}`);
    }
  }

  /**
   * A new workspace with its own admin API key and SCIM token, for an operator on the
   * service's host (`workspaces create`). The workspace and its credentials are events on its
   * stream; the running service's credentials projection picks them up from the log.
   */
  async createWorkspace(name: string, actor = 'system'): Promise<CreatedWorkspace> {
    const workspaceId = randomUUID();
    const ctx = { workspaceId, actor };
    await this.commands.execute(
      workspaceStream(workspaceId),
      workspaceDecider,
      { type: 'CreateWorkspace', workspaceId, name },
      ctx,
    );
    const adminKey = await this.issueNewCredential(workspaceId, 'api_key', 'admin', ctx);
    const scimToken = await this.issueNewCredential(workspaceId, 'scim_token', 'scim', ctx);
    return { workspaceId, adminKey, scimToken };
  }

  /**
   * Generates a secret, records its credential on the workspace and returns the secret (the
   * one time it exists outside the caller's hands). The one place a new workspace's
   * credentials are made, so that the key scheme (hashing, roles, id prefixes) changes here.
   */
  async issueNewCredential(
    workspaceId: string,
    kind: CredentialKind,
    name: string,
    ctx: CommandContext,
  ): Promise<string> {
    const secret = `${kind === 'api_key' ? 'pak' : 'scim'}_${randomBytes(24).toString('base64url')}`;
    const secretHash = hashSecret(secret);
    await this.commands.execute(
      workspaceStream(workspaceId),
      workspaceDecider,
      { type: 'IssueCredential', credentialId: randomUUID(), kind, name, secretHash },
      ctx,
    );
    return secret;
  }

  /**
   * Every workspace, oldest first, read from the log itself: an operator's CLI gets the truth
   * whether or not a worker has projected it, and there are few workspaces.
   */
  async listWorkspaces(): Promise<WorkspaceSummary[]> {
    const out: WorkspaceSummary[] = [];
    for await (const e of this.events.readAll({
      filter: { categories: ['workspace'], eventTypes: ['WorkspaceCreated'] },
    })) {
      const data = (e as unknown as WorkspaceCreated).data;
      out.push({
        workspaceId: data.workspaceId,
        name: data.name,
        createdAt: e.metadata.occurredAt,
      });
    }
    return out;
  }

  async authenticate(
    secret: string,
    kind: CredentialKind,
  ): Promise<Omit<Caller, 'correlationId'> | null> {
    const hash = hashSecret(secret);
    let doc = await this.readModels.collection<CredentialDoc>(CREDENTIALS).get(hash);
    if (!doc) {
      // A credential issued a moment ago may not be projected yet; only its projection matters.
      await this.projections
        .waitFor(await this.events.headPosition(), 2_000, [credentialsProjection.name])
        .catch(() => undefined);
      doc = await this.readModels.collection<CredentialDoc>(CREDENTIALS).get(hash);
    }
    if (!doc || doc.kind !== kind) return null;
    return { workspaceId: doc.workspaceId, actor: doc.name, credentialId: doc.credentialId };
  }
}

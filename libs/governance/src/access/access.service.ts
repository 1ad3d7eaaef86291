import { type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Environment } from '@app/config';
import {
  type CredentialFields,
  type CredentialKind,
  type CredentialOrigin,
  type CredentialPerson,
  deterministicId,
  NotFound,
  workspaceDecider,
  type WorkspaceState,
  workspaceStream,
  type WorkspaceCreated,
} from '@app/domain';
import { EventStore } from '@app/eventstore';
import { type CommandContext, CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { CredentialIndex, hashSecret, hmacSecret, KEY_PREFIX } from './credential-index';
import { CREDENTIALS, type CredentialDoc, credentialsProjection } from './credentials.projection';
import { loadPepper } from './pepper';
import type { Role } from './roles';

export { hashSecret } from './credential-index';

export const DEFAULT_WORKSPACE_ID = 'default';

export interface Caller {
  workspaceId: string;
  /** The credential's name: what every event of the request records as its actor. */
  actor: string;
  credentialId: string;
  /**
   * What the key may do; always set by the guard. Absent for callers the service makes up
   * itself (the daily check, scripts), which act as the system.
   */
  role?: Role;
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
    actorKeyId: caller.credentialId,
    correlationId: caller.correlationId,
  };
}

export interface CredentialInput {
  name: string;
  role: Role;
  person?: CredentialPerson;
}

/** A credential as answered to its issuer: the secret appears here and nowhere else, once. */
export interface IssuedCredential {
  id: string;
  name: string;
  role: Role;
  person: CredentialPerson | null;
  key: string;
}

/** A credential as listed: never the secret, never its hash. */
export interface CredentialView {
  id: string;
  name: string;
  role: Role;
  person: CredentialPerson | null;
  legacy: boolean;
  status: 'active' | 'expiring' | 'expired' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  expiresAt: string | null;
  replacedBy: string | null;
  replaces: string | null;
}

export interface Me {
  workspaceId: string;
  keyId: string;
  name: string;
  role: Role;
  person: CredentialPerson | null;
}

const ENV_NAME: Record<CredentialKind, { origin: CredentialOrigin; name: string }> = {
  api_key: { origin: 'ADMIN_API_KEY', name: 'admin' },
  scim_token: { origin: 'SCIM_TOKEN', name: 'scim' },
};

function newSecret(kind: CredentialKind): { credentialId: string; secret: string } {
  const credentialId = randomBytes(8).toString('hex');
  return {
    credentialId,
    secret: `${KEY_PREFIX[kind]}_${credentialId}_${randomBytes(24).toString('base64url')}`,
  };
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
 * Workspaces and their credentials. Secrets are only ever compared by a peppered hash; a
 * generated secret is shown once, to whoever asked for it.
 */
@Injectable()
export class AccessService {
  private readonly logger = new Logger('Access');
  private readonly pepper: KeyObject;
  private readonly index: CredentialIndex;

  constructor(
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly events: EventStore,
    env: Environment,
  ) {
    this.pepper = loadPepper(env);
    this.index = new CredentialIndex(events, this.pepper);
  }

  /**
   * The embedded default: one workspace with an admin API key (ADMIN_API_KEY, else generated
   * and printed once) and a SCIM token (SCIM_TOKEN, else generated and printed once). A new
   * value of either variable revokes the credential the former value issued.
   */
  async bootstrap(options: {
    adminApiKey?: string;
    scimToken?: string;
    announce?: (line: string) => void;
  }): Promise<void> {
    const ctx = { workspaceId: DEFAULT_WORKSPACE_ID, actor: 'system' };
    const stream = workspaceStream(DEFAULT_WORKSPACE_ID);
    await this.commands.execute(
      stream,
      workspaceDecider,
      { type: 'CreateWorkspace', workspaceId: DEFAULT_WORKSPACE_ID, name: 'Default workspace' },
      ctx,
      { eventId: () => deterministicId(stream, 'created') },
    );
    // Plain lines on standard output, never the JSON log: a secret there is copied wherever logs go.
    const announce = options.announce ?? ((line: string) => void process.stdout.write(`${line}\n`));
    await this.fromEnvironment(DEFAULT_WORKSPACE_ID, 'api_key', options.adminApiKey, (key) =>
      announce(`Admin API key (shown once, store it now): ${key}`),
    );
    await this.fromEnvironment(DEFAULT_WORKSPACE_ID, 'scim_token', options.scimToken, (token) =>
      announce(`SCIM bearer token (shown once, store it now): ${token}`),
    );
    await this.index.refresh();
  }

  private async fromEnvironment(
    workspaceId: string,
    kind: CredentialKind,
    secret: string | undefined,
    announce: (secret: string) => void,
  ): Promise<void> {
    const stream = workspaceStream(workspaceId);
    const ctx = { workspaceId, actor: 'system' };
    const { origin, name } = ENV_NAME[kind];
    const { state } = await this.commands.load(stream, workspaceDecider);
    const usable = [...state.credentials.values()].filter(
      (c) => c.kind === kind && !c.revoked && c.expiresAt === null,
    );
    if (!secret) {
      if (usable.length > 0) return;
      const fresh = newSecret(kind);
      await this.issue(workspaceId, kind, { name, role: 'admin' }, ctx, fresh, 'generated');
      announce(fresh.secret);
      return;
    }
    const peppered = hmacSecret(this.pepper, secret);
    const legacy = hashSecret(secret);
    const current = usable.find((c) => c.secretHash === peppered || c.secretHash === legacy);
    if (!current) {
      const credentialId = deterministicId('credential', kind, peppered);
      await this.commands.execute(
        stream,
        workspaceDecider,
        {
          type: 'IssueCredential',
          credentialId,
          kind,
          name,
          role: 'admin',
          secretHash: peppered,
          hashScheme: 'hmac-sha256',
          origin,
        },
        ctx,
        // The stream's revision in the id: the same value set back later is issued anew.
        {
          eventId: (_e, i, revision) =>
            deterministicId(stream, 'credential', peppered, revision, i),
        },
      );
    }
    // The former value of the variable (or a bootstrap key from before origins were recorded).
    const keep = current?.credentialId ?? deterministicId('credential', kind, peppered);
    for (const c of usable) {
      // Before origins and roles were recorded, the bootstrap key was the only one by that name;
      // a key issued since through the API (a role, no origin) is a person's, never the variable's.
      const former =
        c.origin === origin || (c.origin === undefined && c.role === undefined && c.name === name);
      if (former && c.credentialId !== keep) {
        await this.commands.execute(
          stream,
          workspaceDecider,
          { type: 'RevokeCredential', credentialId: c.credentialId },
          ctx,
        );
        this.logger.warn(
          `${origin} changed: the ${kind} it issued before (${c.credentialId}) is revoked`,
        );
      }
    }
  }

  /** A new API key for a person (the API, the CLI's `workspaces create`): its secret, once. */
  issueApiKey(
    workspaceId: string,
    input: CredentialInput,
    ctx: CommandContext,
  ): Promise<IssuedCredential> {
    return this.issue(workspaceId, 'api_key', input, ctx, newSecret('api_key'));
  }

  issueScimToken(
    workspaceId: string,
    input: CredentialInput,
    ctx: CommandContext,
  ): Promise<IssuedCredential> {
    return this.issue(workspaceId, 'scim_token', input, ctx, newSecret('scim_token'));
  }

  private async issue(
    workspaceId: string,
    kind: CredentialKind,
    input: CredentialInput,
    ctx: CommandContext,
    fresh: { credentialId: string; secret: string },
    origin?: CredentialOrigin,
  ): Promise<IssuedCredential> {
    const { state } = await this.commands.execute(
      workspaceStream(workspaceId),
      workspaceDecider,
      {
        type: 'IssueCredential',
        credentialId: fresh.credentialId,
        kind,
        name: input.name,
        role: input.role,
        person: input.person,
        secretHash: hmacSecret(this.pepper, fresh.secret),
        hashScheme: 'hmac-sha256',
        origin,
      },
      ctx,
    );
    await this.index.refresh();
    return this.issuedView(state, fresh.credentialId, fresh.secret);
  }

  private issuedView(state: WorkspaceState, id: string, key: string): IssuedCredential {
    const c = state.credentials.get(id);
    if (!c) throw new NotFound(`credential ${id} not found`);
    return { id, name: c.name, role: c.role ?? 'admin', person: c.person ?? null, key };
  }

  async revoke(
    workspaceId: string,
    kind: CredentialKind,
    credentialId: string,
    ctx: CommandContext,
  ): Promise<{ id: string; status: 'revoked' }> {
    await this.commands.execute(
      workspaceStream(workspaceId),
      workspaceDecider,
      { type: 'RevokeCredential', credentialId, kind },
      ctx,
    );
    await this.index.refresh();
    return { id: credentialId, status: 'revoked' };
  }

  /** A new secret for the same name, role and person; the old one works `graceSeconds` more. */
  async rotate(
    workspaceId: string,
    kind: CredentialKind,
    credentialId: string,
    graceSeconds: number,
    ctx: CommandContext,
  ): Promise<IssuedCredential & { replaces: string; oldKeyExpiresAt: string }> {
    const fresh = newSecret(kind);
    const expiresAt = new Date(Date.now() + graceSeconds * 1000).toISOString();
    const { state } = await this.commands.execute(
      workspaceStream(workspaceId),
      workspaceDecider,
      {
        type: 'RotateCredential',
        credentialId,
        kind,
        replacement: {
          credentialId: fresh.credentialId,
          secretHash: hmacSecret(this.pepper, fresh.secret),
          hashScheme: 'hmac-sha256',
        },
        expiresAt: graceSeconds > 0 ? expiresAt : null,
      },
      ctx,
    );
    await this.index.refresh();
    return {
      ...this.issuedView(state, fresh.credentialId, fresh.secret),
      replaces: credentialId,
      oldKeyExpiresAt: expiresAt,
    };
  }

  async list(workspaceId: string, kind: CredentialKind): Promise<CredentialView[]> {
    const now = Date.now();
    const items: CredentialView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.readModels.collection<CredentialDoc>(CREDENTIALS).find({
        where: { workspaceId, kind },
        sort: [{ field: 'createdAt' }],
        limit: 500,
        cursor,
      });
      for (const doc of page.items) items.push(credentialView(doc, now));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /** The credentials read model by id, for resolving actors: null when unknown. */
  credential(credentialId: string): Promise<CredentialDoc | null> {
    return this.readModels.collection<CredentialDoc>(CREDENTIALS).get(credentialId);
  }

  async me(caller: Caller): Promise<Me> {
    let doc = await this.credential(caller.credentialId);
    if (!doc) {
      // Issued a moment ago on another process: its record is on its way.
      await this.projections
        .waitFor(await this.events.headPosition(), 2_000, [credentialsProjection.name])
        .catch(() => undefined);
      doc = await this.credential(caller.credentialId);
    }
    return {
      workspaceId: caller.workspaceId,
      keyId: caller.credentialId,
      name: caller.actor,
      role: caller.role ?? 'admin',
      person: doc?.person ?? null,
    };
  }

  /**
   * A new workspace with its own admin API key and SCIM token, for an operator on the
   * service's host (`workspaces create`). The workspace and its credentials are events on its
   * stream; the running service's credentials projection picks them up from the log.
   */
  async createWorkspace(name: string, actor = 'system'): Promise<CreatedWorkspace> {
    const workspaceId = randomUUID();
    const adminKey = newSecret('api_key');
    const scimToken = newSecret('scim_token');
    const credential = (
      kind: CredentialKind,
      name: string,
      fresh: { credentialId: string; secret: string },
    ): CredentialFields => ({
      credentialId: fresh.credentialId,
      kind,
      name,
      role: 'admin',
      secretHash: hmacSecret(this.pepper, fresh.secret),
      hashScheme: 'hmac-sha256',
    });
    // One append: a crash leaves either no workspace or one with both credentials.
    await this.commands.execute(
      workspaceStream(workspaceId),
      workspaceDecider,
      {
        type: 'CreateWorkspace',
        workspaceId,
        name,
        credentials: [
          credential('api_key', 'admin', adminKey),
          credential('scim_token', 'scim', scimToken),
        ],
      },
      { workspaceId, actor },
    );
    await this.index.refresh();
    return { workspaceId, adminKey: adminKey.secret, scimToken: scimToken.secret };
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

  /**
   * The caller a secret stands for, or null. Costs no I/O while this process's view of the
   * credentials is fresh (≤ 1 s); never waits on projections.
   */
  async authenticate(
    secret: string,
    kind: CredentialKind,
  ): Promise<Omit<Caller, 'correlationId'> | null> {
    const found = await this.index.find(secret, kind);
    if (!found) return null;
    return {
      workspaceId: found.workspaceId,
      actor: found.name,
      credentialId: found.credentialId,
      role: found.role,
    };
  }
}

export function credentialView(doc: CredentialDoc, now = Date.now()): CredentialView {
  const status = doc.revokedAt
    ? 'revoked'
    : doc.expiresAt
      ? Date.parse(doc.expiresAt) > now
        ? 'expiring'
        : 'expired'
      : 'active';
  return {
    id: doc.id,
    name: doc.name,
    role: doc.role,
    person: doc.person,
    legacy: doc.legacy,
    status,
    createdAt: doc.createdAt,
    revokedAt: doc.revokedAt,
    expiresAt: doc.expiresAt,
    replacedBy: doc.replacedBy,
    replaces: doc.replaces,
  };
}

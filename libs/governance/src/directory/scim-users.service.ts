import { randomUUID } from 'node:crypto';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  Conflict,
  fold,
  type IdentityCommand,
  identityDecider,
  type IdentityEvent,
  identityStream,
  NotFound,
  parsePatchRequest,
  parseScimUser,
  parseUserFilter,
  scimInvalid,
} from '@app/domain';
import { EventStore } from '@app/eventstore';
import { CommandExecutor } from '@app/infrastructure';
import { type Caller, contextOf } from '../access';
import type { IdentityDoc } from './identities.projection';
import { IdentityDirectory } from './identity-directory.service';
import { type IdentityView, listResponse, MAX_RESULTS, toScimUser, viewOf } from './scim-resources';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs tasks one at a time per key, in call order; a failing task does not block the next. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<R>(key: string, task: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** Query parameters as they arrive: a repeated one is an array. */
export interface ScimListParams {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
}

function stringParam(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw scimInvalid('invalidValue', `${name} must be given once`, name);
}

function integerParam(value: unknown, name: string, fallback: number): number {
  const text = stringParam(value, name)?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d+$/.test(text)) throw scimInvalid('invalidValue', `${name} must be an integer`, name);
  return Number(text);
}

/**
 * SCIM /Users on top of the identity decider. A user is read from its stream, so a GET right
 * after a write always sees it; lists come from the `identities` projection, caught up first.
 *
 * userName uniqueness spans identities, which no single stream can guard: it is checked
 * against the caught-up projection while this process runs the workspace's userName-changing
 * commands one at a time. Two API processes provisioning the same userName at the same instant
 * could both pass; IdPs send one user's requests one after another, so that window is accepted.
 */
@Injectable()
export class ScimUsersService {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly commands: CommandExecutor,
    private readonly events: EventStore,
    private readonly directory: IdentityDirectory,
  ) {}

  async create(caller: Caller, body: unknown): Promise<IdentityView> {
    const user = parseScimUser(body);
    const id = randomUUID();
    await this.run(caller, {
      type: 'ProvisionIdentity',
      identityId: id,
      workspaceId: caller.workspaceId,
      user,
    });
    return this.require(caller, id);
  }

  async replace(caller: Caller, id: string, body: unknown): Promise<IdentityView> {
    await this.require(caller, id);
    const user = parseScimUser(body);
    await this.run(caller, {
      type: 'ReplaceIdentity',
      identityId: id,
      workspaceId: caller.workspaceId,
      user,
    });
    return this.require(caller, id);
  }

  async patch(caller: Caller, id: string, body: unknown): Promise<IdentityView> {
    await this.require(caller, id);
    const operations = parsePatchRequest(body);
    await this.run(caller, {
      type: 'PatchIdentity',
      identityId: id,
      workspaceId: caller.workspaceId,
      operations,
    });
    return this.require(caller, id);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.require(caller, id);
    await this.commands.execute(
      identityStream(id),
      identityDecider,
      { type: 'DeleteIdentity', identityId: id, workspaceId: caller.workspaceId },
      caller,
    );
  }

  /** The user as its stream says; NotFound if unknown, deleted or of another workspace. */
  async require(caller: Caller, id: string): Promise<IdentityView> {
    const view = UUID.test(id) ? await this.load(caller.workspaceId, id) : null;
    if (!view) throw new NotFound(`User ${id} not found`, { identityId: id });
    return view;
  }

  async list(
    caller: Caller,
    params: ScimListParams,
    baseUrl: string,
  ): Promise<Record<string, unknown>> {
    const filterText = stringParam(params.filter, 'filter');
    const filter = filterText?.trim() ? parseUserFilter(filterText) : null;
    // RFC 7644 §3.4.2.4: below 1 means 1; a negative count means 0; above the maximum, the maximum.
    const startIndex = Math.max(1, integerParam(params.startIndex, 'startIndex', 1));
    const count = Math.min(
      MAX_RESULTS,
      Math.max(0, integerParam(params.count, 'count', MAX_RESULTS)),
    );
    await this.directory.catchUp();
    const ws = caller.workspaceId;
    let total: number;
    let page: IdentityDoc[];
    if (filter) {
      let matches: IdentityDoc[];
      if (filter.attribute === 'userName')
        matches = await this.directory.findByUserName(ws, filter.value);
      else if (filter.attribute === 'externalId')
        matches = await this.directory.findByExternalId(ws, filter.value);
      else if (filter.attribute === 'emails')
        matches = await this.directory.findByEmail(ws, filter.value);
      else {
        const doc = await this.directory.get(ws, filter.value);
        matches = doc && !doc.deleted ? [doc] : [];
      }
      // Guests are the admins', not the IdP's: SCIM neither lists nor changes them.
      matches = matches.filter((doc) => doc.source === 'scim');
      total = matches.length;
      page = matches.slice(startIndex - 1, startIndex - 1 + count);
    } else {
      total = await this.directory.count(ws, 'scim');
      page = [];
      let index = 0;
      if (count > 0) {
        for await (const doc of this.directory.walk(ws, 'scim')) {
          index += 1;
          if (index < startIndex) continue;
          page.push(doc);
          if (page.length >= count) break;
        }
      }
    }
    return listResponse(
      page.map((doc) => toScimUser(viewOf(doc), baseUrl)),
      total,
      startIndex,
    );
  }

  private async load(workspaceId: string, id: string): Promise<IdentityView | null> {
    const recorded = await this.events.readStream(identityStream(id));
    const state = fold(
      identityDecider,
      recorded.map((e) => ({ type: e.type, data: e.data }) as IdentityEvent),
    );
    if (!state.attributes || state.deleted || state.guest || state.workspaceId !== workspaceId)
      return null;
    return {
      id,
      attributes: state.attributes,
      createdAt: recorded[0].metadata.occurredAt,
      updatedAt: recorded[recorded.length - 1].metadata.occurredAt,
      revision: recorded[recorded.length - 1].revision,
    };
  }

  /**
   * Decides once to learn the resulting userName (invalid input fails here, before anything is
   * written), checks it is free, then executes for real.
   */
  private run(caller: Caller, command: IdentityCommand): Promise<void> {
    return this.queue.run(caller.workspaceId, async () => {
      const stream = identityStream(command.identityId);
      const { state } = await this.commands.load(stream, identityDecider);
      const decided = identityDecider.decide(command, state);
      const after = decided.reduce(identityDecider.evolve, state);
      const userName = after.attributes?.personal.userName;
      const lower = (s: string | undefined) => s?.trim().toLowerCase();
      if (
        userName !== undefined &&
        lower(userName) !== lower(state.attributes?.personal.userName)
      ) {
        await this.assertUserNameFree(caller.workspaceId, userName, command.identityId);
      }
      await this.commands.execute(stream, identityDecider, command, contextOf(caller));
    });
  }

  private async assertUserNameFree(
    workspaceId: string,
    userName: string,
    self: string,
  ): Promise<void> {
    if (!(await this.directory.catchUp())) {
      throw new ServiceUnavailableException('the directory is catching up; try again in a moment');
    }
    // A guest holding the same userName does not block the IdP: the person may have been hired.
    const holders = await this.directory.findByUserName(workspaceId, userName);
    if (holders.some((h) => h.id !== self && h.source === 'scim')) {
      throw new Conflict(`userName "${userName}" is already taken in this workspace`, {
        scimType: 'uniqueness',
        attribute: 'userName',
      });
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InvalidCommand } from '@app/domain';
import { EventStore } from '@app/eventstore';
import { READ_MODEL_STORE } from '@app/infrastructure';
import { checkpointName, hasPendingEvents, readCheckpoint } from '@app/projections';
import type { Collection, ReadModelStore, Where } from '@app/readmodels';
import {
  IDENTITIES,
  IDENTITY_EMAILS,
  identitiesProjection,
  identityEmailId,
  type IdentityDoc,
  type IdentityEmailDoc,
  type IdentitySource,
} from './identities.projection';

export interface IdentityListQuery {
  /** Every word must occur (case-insensitively) in a name, the userName or an email. */
  search?: string;
  active?: boolean;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1–200, default 50. */
  limit?: number;
}

export interface IdentityPage {
  items: IdentityDoc[];
  nextCursor: string | null;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 200;
const SCAN_PAGE = 500;

const encodeCursor = (sortKey: string): string =>
  Buffer.from(sortKey, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const sortKey = /^[A-Za-z0-9_-]+$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  if (!sortKey.includes('\u0001'))
    throw new InvalidCommand('cursor is not valid', { field: 'cursor' });
  return sortKey;
}

/**
 * The directory's read side: what the SCIM list, the "Match with" search and automatic
 * matching ask. Everything is scoped to one workspace.
 */
@Injectable()
export class IdentityDirectory {
  constructor(
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly events: EventStore,
  ) {}

  private get identities(): Collection<IdentityDoc> {
    return this.readModels.collection<IdentityDoc>(IDENTITIES);
  }

  /** The identity, deleted ones included (`deleted: true`); null if unknown in the workspace. */
  async get(workspaceId: string, id: string): Promise<IdentityDoc | null> {
    const doc = await this.identities.get(id);
    return doc && doc.workspaceId === workspaceId ? doc : null;
  }

  /** The sponsors of the guests among `docs`, by id (one lookup). */
  async sponsorsOf(
    workspaceId: string,
    docs: readonly IdentityDoc[],
  ): Promise<Map<string, IdentityDoc>> {
    const ids = [...new Set(docs.flatMap((d) => (d.guest ? [d.guest.sponsorIdentityId] : [])))];
    if (ids.length === 0) return new Map();
    const found = await this.identities.getMany(ids);
    return new Map(found.filter((d) => d.workspaceId === workspaceId).map((d) => [d.id, d]));
  }

  /** Several identities in one read (a page's matched people); unknown ids are left out. */
  async getMany(workspaceId: string, ids: readonly string[]): Promise<IdentityDoc[]> {
    if (ids.length === 0) return [];
    const docs = await this.identities.getMany(ids);
    return docs.filter((doc) => doc.workspaceId === workspaceId);
  }

  /** Ids of the active identities having this email (normalised; secondary emails count). */
  async findActiveByEmail(workspaceId: string, email: string): Promise<string[]> {
    const doc = await this.readModels
      .collection<IdentityEmailDoc>(IDENTITY_EMAILS)
      .get(identityEmailId(workspaceId, email));
    return doc?.activeIdentityIds ?? [];
  }

  /** Identities not deleted, active or not, having this email. */
  async findByEmail(workspaceId: string, email: string): Promise<IdentityDoc[]> {
    const doc = await this.readModels
      .collection<IdentityEmailDoc>(IDENTITY_EMAILS)
      .get(identityEmailId(workspaceId, email));
    if (!doc) return [];
    const found = await this.identities.getMany(doc.identityIds);
    return found.filter((d) => !d.deleted && d.workspaceId === workspaceId).sort(bySortKey);
  }

  /** The IdP's immutable id; exact match. */
  async findByExternalId(workspaceId: string, externalId: string): Promise<IdentityDoc[]> {
    return this.findAll({ workspaceId, externalId, deleted: false });
  }

  /** userName compares case-insensitively (RFC 7643: caseExact false). */
  async findByUserName(workspaceId: string, userName: string): Promise<IdentityDoc[]> {
    return this.findAll({
      workspaceId,
      userNameLower: userName.trim().toLowerCase(),
      deleted: false,
    });
  }

  /** With `source`, only the identities from there (SCIM counts the IdP's users only). */
  async count(workspaceId: string, source?: IdentitySource): Promise<number> {
    return this.identities.count({ workspaceId, ...(source ? { source } : {}), deleted: false });
  }

  /**
   * Identities not deleted, ordered by display name, paginated by cursor. Search terms (split
   * on spaces) must all match, from the store's text index over the identity's names, emails
   * and userName: "contains" for 3 characters or more, a word's start below that.
   */
  async list(workspaceId: string, query: IdentityListQuery = {}): Promise<IdentityPage> {
    const limit = Math.min(
      Math.max(Math.trunc(query.limit ?? DEFAULT_LIST_LIMIT), 1),
      MAX_LIST_LIMIT,
    );
    const terms = (query.search ?? '').split(/\s+/).filter(Boolean);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const where: Where = {
      workspaceId,
      deleted: false,
      ...(query.active !== undefined ? { active: query.active } : {}),
      ...(after !== undefined ? { sortKey: { gt: after } } : {}),
    };
    const page = await this.identities.find({
      where,
      sort: [{ field: 'sortKey' }],
      limit: limit + 1,
      ...(terms.length > 0 ? { search: terms } : {}),
    });
    if (page.items.length <= limit) return { items: page.items, nextCursor: null };
    const items = page.items.slice(0, limit);
    return { items, nextCursor: encodeCursor(items[limit - 1].sortKey) };
  }

  /**
   * Walks the workspace's identities (with `source`, only those from there) in list order:
   * SCIM's startIndex/count pagination.
   */
  async *walk(workspaceId: string, source?: IdentitySource): AsyncIterable<IdentityDoc> {
    let cursor: string | undefined;
    do {
      const page = await this.identities.find({
        where: { workspaceId, ...(source ? { source } : {}), deleted: false },
        sort: [{ field: 'sortKey' }],
        limit: SCAN_PAGE,
        cursor,
      });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /**
   * Waits until the directory projection has applied every identity event up to the current
   * head, so that a read after a write sees it. False if it is still behind after `timeoutMs`.
   */
  async catchUp(timeoutMs = 5_000): Promise<boolean> {
    const head = await this.events.headPosition();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoint = await readCheckpoint(
        this.events,
        this.readModels,
        checkpointName(identitiesProjection),
      );
      if (!(await hasPendingEvents(this.events, identitiesProjection.filter, checkpoint, head)))
        return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async findAll(where: Where): Promise<IdentityDoc[]> {
    const all: IdentityDoc[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.identities.find({
        where,
        sort: [{ field: 'sortKey' }],
        limit: SCAN_PAGE,
        cursor,
      });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }
}

function bySortKey(a: IdentityDoc, b: IdentityDoc): number {
  return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;
}

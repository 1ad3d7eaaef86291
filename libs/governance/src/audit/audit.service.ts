import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { ISO_INSTANT, NotFound } from '@app/domain';
import { EventStore, InvalidPosition, type Position } from '@app/eventstore';
import { READ_MODEL_STORE } from '@app/infrastructure';
import {
  type Document,
  type FindOptions,
  InvalidCursor,
  type ReadModelStore,
  type Where,
} from '@app/readmodels';
import { CREDENTIALS, type CredentialDoc } from '../access/credentials.projection';
import type { Caller } from '../access/access.service';
import { memberView, type MemberView } from '../integrations/members.query';
import { INTEGRATIONS, type IntegrationDoc } from '../read-models/integrations.projection';
import {
  type AccessIntervalDoc,
  AUDIT_ACCESS_INTERVALS,
  AUDIT_ASSET_NAMES,
  AUDIT_HISTORY,
  AUDIT_IDENTITY_LINKS,
  AUDIT_MEMBER_VERSIONS,
  AUDIT_PARTNER_VERSIONS,
  AUDIT_POSITIONS,
  AUDIT_TAB_COUNTS,
  type AssetNameDoc,
  type HistoryDoc,
  type MemberVersionDoc,
  type PartnerVersionDoc,
  type PositionDoc,
  type TabCountsVersionDoc,
} from './audit.projection';
import { deprovisionReportAt, type ReportRowAt } from './exports/deprovision-report-at';

/** A point of the log the answer is computed at: `seq` 0 is before the first event. */
export interface LogPoint {
  /** The instant asked for (UTC ISO), or the instant of the position when asked by position. */
  at: string;
  position: Position | null;
  seq: number;
}

export interface PageParams {
  cursor?: string;
  limit: number;
}

export interface HistoryItem {
  position: Position;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  /** The API key that acted (null for `pinterest`, `scim`, `system`). */
  actorKeyId: string | null;
  /** The person the key was handed to, from the key's record now: null when none (or erased). */
  actorPerson: { name: string; email: string } | null;
  reason: string | null;
  correlationId: string;
  causationId: string | null;
  summary: string;
  data: unknown;
  integrationId: string | null;
  memberId: string | null;
}

export interface HistoryPage {
  position: Position | null;
  items: HistoryItem[];
  nextCursor: string | null;
}

export interface AccessItem {
  memberId: string | null;
  name: string;
  email: string;
  /** `unmatched`, `onboarded`, `exempted`, or `partner` for a partner's person. */
  tab: string;
  businessRole: string;
  /** On an asset: its permissions. On the business: `assetId:PERMISSION` for every grant. */
  permissions: string[];
  since: string;
  sincePosition: Position;
  /** Who began that access: an API key's name, or `pinterest` when a check saw it. */
  sinceBy: string;
  /** `requested` through the service, or `observed` on Pinterest. */
  sinceHow: 'observed' | 'requested';
  partnerId: string | null;
}

export interface AccessPage {
  at: string;
  position: Position | null;
  assetId: string | null;
  items: AccessItem[];
  nextCursor: string | null;
}

export interface TabAsOfPage {
  at: string;
  position: Position | null;
  items: MemberView[];
  nextCursor: string | null;
  counts: { unmatched: number; onboarded: number; exempted: number };
}

export interface AccessChangesPage {
  from: string | null;
  to: string;
  position: Position | null;
  items: HistoryItem[];
  nextCursor: string | null;
}

export interface PartnerItem {
  partnerId: string;
  name: string;
  assets: { assetId: string; assetName: string | null; permissions: string[] }[];
  people: { name: string; email: string }[];
  since: string;
}

export interface PartnersPage {
  at: string;
  position: Position | null;
  items: PartnerItem[];
  nextCursor: string | null;
}

export type Tab = 'unmatched' | 'onboarded' | 'exempted';

const BATCH = 500;

/** An ISO-8601 instant from the wire, in UTC; malformed or future → 400 naming the field. */
function instant(text: string, field: string): string {
  const ms = ISO_INSTANT.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms))
    throw badRequest(field, `${field} must be an ISO-8601 instant, e.g. 2026-03-01T00:00:00Z`);
  if (ms > Date.now()) throw badRequest(field, `${field} is in the future`);
  return new Date(ms).toISOString();
}

export function badRequest(field: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message,
    details: { field },
  });
}

/** Cursors of these reads: the query they belong to and where the last page stopped. */
function encodeCursor(query: string, last: unknown): string {
  return Buffer.from(JSON.stringify({ q: query, l: last })).toString('base64url');
}

function decodeCursor<T>(query: string, cursor: string | undefined): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      q?: unknown;
      l?: unknown;
    };
    if (parsed.q !== query || parsed.l === undefined) throw new InvalidCursor();
    return parsed.l as T;
  } catch {
    throw new InvalidCursor();
  }
}

/**
 * The position a cursor's query was computed at (`…:<position>` ends its query), so that the
 * next pages of a read "as of now" stay at the point of the first page.
 */
function pinnedPosition(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p?: unknown };
    return typeof parsed.p === 'string' ? parsed.p : undefined;
  } catch {
    throw new InvalidCursor();
  }
}

function encodePinned(query: string, last: unknown, point: LogPoint): string {
  return Buffer.from(JSON.stringify({ q: query, l: last, p: point.position })).toString(
    'base64url',
  );
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const historyItem = (d: HistoryDoc): HistoryItem => ({
  position: d.position,
  type: d.type,
  occurredAt: d.occurredAt,
  recordedAt: d.recordedAt,
  actor: d.actor,
  actorKeyId: d.actorKeyId ?? null,
  actorPerson: null,
  reason: d.reason,
  correlationId: d.correlationId,
  causationId: d.causationId,
  summary: d.summary,
  data: d.data,
  integrationId: d.integrationId,
  memberId: d.memberId,
});

const validAt = (doc: { fromSeq: number; toSeq: number }, seq: number): boolean =>
  doc.fromSeq <= seq && seq < doc.toSeq;

/**
 * The audit reads: every question about the past, answered from the audit projection's
 * indexes at one point of the log. Plain methods (caller, params) → the REST answer, so that
 * REST, GraphQL and the evidence exports share them.
 */
@Injectable()
export class AuditService {
  constructor(
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly events: EventStore,
  ) {}

  // ---- points of the log ------------------------------------------------------------

  /**
   * An instant (`field` names it in errors) → the last event recorded at or before it. Absent:
   * now. A malformed or future instant is a 400 naming the field.
   */
  async pointAt(text: string | undefined, field = 'at'): Promise<LogPoint> {
    const at = text === undefined ? new Date().toISOString() : instant(text, field);
    const page = await this.readModels.collection<PositionDoc>(AUDIT_POSITIONS).find({
      where: { recordedAt: { lte: at } },
      sort: [
        { field: 'recordedAt', direction: 'desc' },
        { field: 'seq', direction: 'desc' },
      ],
      limit: 1,
    });
    const last = page.items[0];
    return last
      ? { at, position: last.id as Position, seq: last.seq }
      : { at, position: null, seq: 0 };
  }

  /** A position from the wire (an export's) → its point; unknown to this log → 400. */
  async pointOf(text: string, field = 'position'): Promise<LogPoint> {
    let position: Position;
    try {
      position = this.events.parsePosition(text);
    } catch (error) {
      if (error instanceof InvalidPosition) throw badRequest(field, `${field}: ${error.message}`);
      throw error;
    }
    const doc = await this.readModels.collection<PositionDoc>(AUDIT_POSITIONS).get(position);
    if (!doc) throw badRequest(field, `${field} ${text} is not a position of this log (yet)`);
    return { at: doc.recordedAt, position, seq: doc.seq };
  }

  /** The point a read starts at: the one its cursor was computed at, else the instant's. */
  private async startPoint(
    cursor: string | undefined,
    at: string | undefined,
    field: string,
  ): Promise<LogPoint> {
    const pinned = pinnedPosition(cursor);
    if (pinned === undefined) return this.pointAt(at, field);
    const doc = await this.readModels.collection<PositionDoc>(AUDIT_POSITIONS).get(pinned);
    if (!doc) throw new InvalidCursor();
    return {
      at: at === undefined ? doc.recordedAt : instant(at, field),
      position: pinned as Position,
      seq: doc.seq,
    };
  }

  /** The newest point the audit projection has reached. */
  async head(): Promise<LogPoint> {
    // A range (every instant is after '') keeps it an index search for the query planner test.
    const page = await this.readModels.collection<PositionDoc>(AUDIT_POSITIONS).find({
      where: { recordedAt: { gt: '' } },
      sort: [
        { field: 'recordedAt', direction: 'desc' },
        { field: 'seq', direction: 'desc' },
      ],
      limit: 1,
    });
    const last = page.items[0];
    return last
      ? { at: last.recordedAt, position: last.id as Position, seq: last.seq }
      : { at: new Date().toISOString(), position: null, seq: 0 };
  }

  /** The integration, if it belongs to the caller's workspace (disconnected ones keep history). */
  async integration(caller: Pick<Caller, 'workspaceId'>, id: string): Promise<IntegrationDoc> {
    const doc = await this.readModels.collection<IntegrationDoc>(INTEGRATIONS).get(id);
    if (!doc || doc.workspaceId !== caller.workspaceId)
      throw new NotFound(`integration ${id} not found`);
    return doc;
  }

  // ---- histories --------------------------------------------------------------------

  async memberHistory(
    caller: Pick<Caller, 'workspaceId'>,
    integrationId: string,
    memberId: string,
    page: PageParams,
  ): Promise<HistoryPage> {
    await this.integration(caller, integrationId);
    const first = await this.readModels.collection<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS).find({
      where: { memberId },
      sort: [{ field: 'fromSeq', direction: 'asc' }],
      limit: 1,
    });
    if (first.items[0]?.integrationId !== integrationId)
      throw new NotFound(`member ${memberId} not found`);
    const point = await this.head();
    return this.memberHistoryAt(memberId, point, page);
  }

  /** The member's events up to `point`, oldest first. */
  async memberHistoryAt(memberId: string, point: LogPoint, page: PageParams): Promise<HistoryPage> {
    const query = `member-history:${memberId}`;
    const after = decodeCursor<number>(query, page.cursor) ?? 0;
    const found = await this.historyOf(`member:${memberId}`, after, point.seq, page.limit + 1);
    return this.historyPage(point, query, found, page.limit);
  }

  async identityHistory(
    caller: Pick<Caller, 'workspaceId'>,
    identityId: string,
    page: PageParams,
  ): Promise<HistoryPage> {
    const point = await this.head();
    const query = `identity-history:${identityId}`;
    const after = decodeCursor<number>(query, page.cursor) ?? 0;
    const own = await this.historyOf(`identity:${identityId}`, 0, point.seq, 1);
    if (own[0] && own[0].workspaceId !== caller.workspaceId)
      throw new NotFound(`identity ${identityId} not found`);
    const links = await this.all<Document & { memberId: string }>(AUDIT_IDENTITY_LINKS, {
      where: { identityId },
    });
    if (!own[0] && links.length === 0) throw new NotFound(`identity ${identityId} not found`);
    const subjects = [`identity:${identityId}`, ...links.map((l) => `member:${l.memberId}`)];
    // Each subject's next entries in log order, merged: a page never reads more than
    // `limit + 1` entries per subject.
    const lists = await Promise.all(
      subjects.map((s) => this.historyOf(s, after, point.seq, page.limit + 1)),
    );
    const merged = lists
      .flat()
      .filter((d) => d.workspaceId === caller.workspaceId)
      .sort((a, b) => a.seq - b.seq);
    return this.historyPage(point, query, merged, page.limit);
  }

  private async historyOf(
    subject: string,
    afterSeq: number,
    upToSeq: number,
    limit: number,
  ): Promise<HistoryDoc[]> {
    if (upToSeq <= afterSeq) return [];
    const found = await this.readModels.collection<HistoryDoc>(AUDIT_HISTORY).find({
      where: { subject, seq: { gt: afterSeq, lte: upToSeq } },
      sort: [{ field: 'seq', direction: 'asc' }],
      limit,
    });
    return found.items;
  }

  /** The person behind each item's key, read from the credentials record (one read per key). */
  private async withPeople(docs: readonly HistoryDoc[]): Promise<HistoryItem[]> {
    const items = docs.map(historyItem);
    const ids = [...new Set(items.map((i) => i.actorKeyId).filter((id): id is string => !!id))];
    const credentials = this.readModels.collection<CredentialDoc>(CREDENTIALS);
    // One read for the page's keys; a key without a record shows no person.
    const people = new Map<string, HistoryItem['actorPerson']>();
    for (const doc of ids.length ? await credentials.getMany(ids) : []) {
      people.set(doc.id, doc.person ? { name: doc.person.name, email: doc.person.email } : null);
    }
    for (const item of items) {
      if (item.actorKeyId) item.actorPerson = people.get(item.actorKeyId) ?? null;
    }
    return items;
  }

  private async historyPage(
    point: LogPoint,
    query: string,
    docs: HistoryDoc[],
    limit: number,
  ): Promise<HistoryPage> {
    const items = docs.slice(0, limit);
    return {
      position: point.position,
      items: await this.withPeople(items),
      nextCursor: docs.length > limit ? encodeCursor(query, items[items.length - 1].seq) : null,
    };
  }

  // ---- access at an instant -----------------------------------------------------------

  async accessAt(
    caller: Pick<Caller, 'workspaceId'>,
    integrationId: string,
    params: { at?: string; assetId?: string } & PageParams,
  ): Promise<AccessPage> {
    await this.integration(caller, integrationId);
    const point = await this.startPoint(params.cursor, params.at, 'at');
    return this.accessAtPoint(integrationId, params.assetId ?? null, point, params);
  }

  async accessAtPoint(
    integrationId: string,
    assetId: string | null,
    point: LogPoint,
    page: PageParams,
  ): Promise<AccessPage> {
    const query = `access:${integrationId}:${assetId ?? ''}:${point.seq}`;
    const after = decodeCursor<string>(query, page.cursor);
    const all = point.seq === 0 ? [] : await this.accessItems(integrationId, assetId, point.seq);
    const keyOf = (i: AccessItem) => `${i.name}\u0000${i.email}\u0000${i.memberId ?? i.partnerId}`;
    const rest = after === undefined ? all : all.filter((i) => compareText(keyOf(i), after) > 0);
    const items = rest.slice(0, page.limit);
    return {
      at: point.at,
      position: point.position,
      assetId,
      items,
      nextCursor:
        rest.length > page.limit
          ? encodePinned(query, keyOf(items[items.length - 1]), point)
          : null,
    };
  }

  /** Everyone who could act on the business or the asset at `seq`, in name order. */
  private async accessItems(
    integrationId: string,
    assetId: string | null,
    seq: number,
  ): Promise<AccessItem[]> {
    const scope = assetId ?? 'business';
    const intervals = (
      await this.all<AccessIntervalDoc>(AUDIT_ACCESS_INTERVALS, {
        where: { integrationId, scope, toSeq: { gt: seq } },
        sort: [{ field: 'toSeq', direction: 'asc' }],
      })
    ).filter((i) => i.fromSeq <= seq);
    const versions = assetId
      ? await this.membersAt(
          intervals.map((i) => i.memberId),
          seq,
        )
      : await this.integrationMembersAt(integrationId, seq);
    const items: AccessItem[] = [];
    for (const interval of intervals) {
      const doc = versions.get(interval.memberId);
      if (!doc) continue;
      items.push({
        memberId: interval.memberId,
        name: doc.name,
        email: doc.email,
        tab: doc.tab,
        businessRole: doc.businessRole,
        permissions: assetId
          ? interval.access
          : Object.entries(doc.assets)
              .flatMap(([a, perms]) => perms.map((p) => `${a}:${p}`))
              .sort(),
        since: interval.since.at,
        sincePosition: interval.since.position,
        sinceBy: interval.since.by,
        sinceHow: interval.since.how,
        partnerId: null,
      });
    }
    for (const partner of await this.partnersAtSeq(integrationId, seq)) {
      const perms = assetId
        ? (partner.assets[assetId] ?? [])
        : Object.entries(partner.assets)
            .flatMap(([a, p]) => p.map((x) => `${a}:${x}`))
            .sort();
      if (perms.length === 0) continue;
      for (const person of partner.people) {
        items.push({
          memberId: null,
          name: person.name,
          email: person.email,
          tab: 'partner',
          businessRole: 'partner',
          permissions: perms,
          since: partner.since.at,
          sincePosition: partner.since.position,
          sinceBy: partner.since.by,
          sinceHow: partner.since.how,
          partnerId: partner.partnerId,
        });
      }
    }
    const key = (i: AccessItem) => `${i.name}\u0000${i.email}\u0000${i.memberId ?? i.partnerId}`;
    return items.sort((a, b) => compareText(key(a), key(b)));
  }

  /** Each member's document as it was at `seq` (the version open then). */
  private async membersAt(
    memberIds: readonly string[],
    seq: number,
  ): Promise<Map<string, MemberVersionDoc['doc']>> {
    const out = new Map<string, MemberVersionDoc['doc']>();
    const versions = this.readModels.collection<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS);
    for (let i = 0; i < memberIds.length; i += 64) {
      const chunk = memberIds.slice(i, i + 64);
      const found = await Promise.all(
        chunk.map((memberId) =>
          versions.find({
            where: { memberId, fromSeq: { lte: seq } },
            sort: [{ field: 'fromSeq', direction: 'desc' }],
            limit: 1,
          }),
        ),
      );
      for (const page of found) {
        const v = page.items[0];
        if (v && validAt(v, seq)) out.set(v.memberId, v.doc);
      }
    }
    return out;
  }

  /**
   * Every member's document at `seq` in one walk of the (integrationId, toSeq) index: the
   * versions still open then (at the head: exactly the open ones).
   */
  private async integrationMembersAt(
    integrationId: string,
    seq: number,
  ): Promise<Map<string, MemberVersionDoc['doc']>> {
    const out = new Map<string, MemberVersionDoc['doc']>();
    const versions = await this.all<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS, {
      where: { integrationId, toSeq: { gt: seq } },
      sort: [{ field: 'toSeq', direction: 'asc' }],
    });
    for (const v of versions) if (validAt(v, seq)) out.set(v.memberId, v.doc);
    return out;
  }

  // ---- a tab as of an instant -----------------------------------------------------------

  async tabAsOf(
    caller: Pick<Caller, 'workspaceId'>,
    integrationId: string,
    params: { tab: Tab; asOf: string; search?: string } & PageParams,
  ): Promise<TabAsOfPage> {
    await this.integration(caller, integrationId);
    const point = await this.startPoint(params.cursor, params.asOf, 'asOf');
    return this.tabAt(integrationId, params.tab, point, params);
  }

  /**
   * The tab's members whose version was open at the point, in name order: the versions of
   * the tab walked by the (integrationId, tab, name) index, each kept when it was valid then.
   */
  async tabAt(
    integrationId: string,
    tab: Tab,
    point: LogPoint,
    params: { search?: string } & PageParams,
  ): Promise<TabAsOfPage> {
    const search = params.search?.trim().toLowerCase() || undefined;
    const query = `tab:${integrationId}:${tab}:${point.seq}:${search ?? ''}`;
    const after = decodeCursor<[string, string]>(query, params.cursor);
    const found: MemberVersionDoc[] = [];
    if (point.seq > 0) {
      const versions = this.readModels.collection<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS);
      let cursor: string | undefined;
      do {
        const page = await versions.find({
          where: {
            integrationId,
            tab,
            ...(after ? { name: { gte: after[0] } } : {}),
          },
          sort: [{ field: 'name', direction: 'asc' }],
          limit: BATCH,
          cursor,
        });
        for (const v of page.items) {
          if (!validAt(v, point.seq)) continue;
          if (after && v.name === after[0] && compareText(v.id, after[1]) <= 0) continue;
          if (search && !`${v.doc.name}\n${v.doc.email}`.toLowerCase().includes(search)) continue;
          found.push(v);
          if (found.length > params.limit) break;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor && found.length <= params.limit);
    }
    const items = found.slice(0, params.limit);
    const names = await this.assetNamesAt(integrationId, point.seq);
    const last = items[items.length - 1];
    return {
      at: point.at,
      position: point.position,
      items: items.map((v) => memberView(v.doc, (assetId) => names.get(assetId) ?? null)),
      nextCursor:
        found.length > params.limit ? encodePinned(query, [last.name, last.id], point) : null,
      counts: await this.countsAt(integrationId, point.seq),
    };
  }

  private async countsAt(integrationId: string, seq: number): Promise<TabAsOfPage['counts']> {
    const page = await this.readModels.collection<TabCountsVersionDoc>(AUDIT_TAB_COUNTS).find({
      where: { integrationId, seq: { lte: seq } },
      sort: [{ field: 'seq', direction: 'desc' }],
      limit: 1,
    });
    const doc = page.items[0];
    return {
      unmatched: doc?.unmatched ?? 0,
      onboarded: doc?.onboarded ?? 0,
      exempted: doc?.exempted ?? 0,
    };
  }

  /** Each asset's name and type as of `seq` (a business has a few hundred assets). */
  async assetNamesAt(
    integrationId: string,
    seq: number,
  ): Promise<Map<string, { name: string; assetType: string | null }>> {
    const out = new Map<string, { name: string; assetType: string | null }>();
    if (seq === 0) return out;
    const docs = await this.all<AssetNameDoc>(AUDIT_ASSET_NAMES, {
      where: { integrationId, fromSeq: { lte: seq } },
      sort: [{ field: 'fromSeq', direction: 'asc' }],
    });
    for (const d of docs) out.set(d.assetId, { name: d.name, assetType: d.assetType });
    return out;
  }

  // ---- the deprovision report as of a point ----------------------------------------------

  /** The integration's deprovision report at `point`, from the log (see deprovisionReportAt). */
  reportAt(integrationId: string, point: LogPoint): Promise<ReportRowAt[]> {
    return deprovisionReportAt(this.readModels, this.events, this, integrationId, point);
  }

  // ---- access changes -----------------------------------------------------------------

  async accessChanges(
    caller: Pick<Caller, 'workspaceId'>,
    params: {
      integrationId?: string;
      memberId?: string;
      assetId?: string;
      from?: string;
      to?: string;
    } & PageParams,
  ): Promise<AccessChangesPage> {
    if (params.integrationId) await this.integration(caller, params.integrationId);
    const from = params.from === undefined ? null : await this.pointAt(params.from, 'from');
    const to = await this.startPoint(params.cursor, params.to, 'to');
    if (from && from.at > to.at) throw badRequest('from', 'from must not be after to');
    return this.accessChangesBetween(caller.workspaceId, params, from, to, params);
  }

  /** Changes recorded after `from` (exclusive) up to `to` (inclusive). */
  async accessChangesBetween(
    workspaceId: string,
    filter: { integrationId?: string; memberId?: string; assetId?: string },
    from: LogPoint | null,
    to: LogPoint,
    page: PageParams,
  ): Promise<AccessChangesPage> {
    const query = `changes:${workspaceId}:${filter.integrationId ?? ''}:${filter.memberId ?? ''}:${filter.assetId ?? ''}:${from?.seq ?? 0}:${to.seq}`;
    let after = decodeCursor<number>(query, page.cursor) ?? from?.seq ?? 0;
    const where: Where = filter.memberId
      ? { subject: `member:${filter.memberId}` }
      : filter.integrationId
        ? { integrationId: filter.integrationId, change: true }
        : { workspaceId, change: true };
    const found: HistoryDoc[] = [];
    const history = this.readModels.collection<HistoryDoc>(AUDIT_HISTORY);
    while (found.length <= page.limit && after < to.seq) {
      const batch = await history.find({
        where: { ...where, seq: { gt: after, lte: to.seq } },
        sort: [{ field: 'seq', direction: 'asc' }],
        limit: BATCH,
      });
      for (const d of batch.items) {
        after = d.seq;
        if (!d.change || d.workspaceId !== workspaceId) continue;
        if (filter.integrationId && d.integrationId !== filter.integrationId) continue;
        if (filter.assetId && !d.assetIds.includes(filter.assetId)) continue;
        found.push(d);
        if (found.length > page.limit) break;
      }
      if (batch.items.length < BATCH) break;
    }
    const items = found.slice(0, page.limit);
    return {
      from: from?.at ?? null,
      to: to.at,
      position: to.position,
      items: await this.withPeople(items),
      nextCursor:
        found.length > page.limit ? encodePinned(query, items[items.length - 1].seq, to) : null,
    };
  }

  // ---- partners -------------------------------------------------------------------------

  async partners(
    caller: Pick<Caller, 'workspaceId'>,
    integrationId: string,
    params: { at?: string } & PageParams,
  ): Promise<PartnersPage> {
    await this.integration(caller, integrationId);
    const point = await this.startPoint(params.cursor, params.at, 'at');
    const query = `partners:${integrationId}:${point.seq}`;
    const after = decodeCursor<string>(query, params.cursor);
    const names = await this.assetNamesAt(integrationId, point.seq);
    const key = (p: PartnerVersionDoc) => `${p.name}\u0000${p.partnerId}`;
    const all = (point.seq === 0 ? [] : await this.partnersAtSeq(integrationId, point.seq))
      .sort((a, b) => compareText(key(a), key(b)))
      .filter((p) => after === undefined || compareText(key(p), after) > 0);
    const items = all.slice(0, params.limit);
    return {
      at: point.at,
      position: point.position,
      items: items.map((p) => ({
        partnerId: p.partnerId,
        name: p.name,
        assets: Object.entries(p.assets)
          .sort(([a], [b]) => compareText(a, b))
          .map(([assetId, permissions]) => ({
            assetId,
            assetName: names.get(assetId)?.name ?? null,
            permissions,
          })),
        people: p.people,
        since: p.since.at,
      })),
      nextCursor:
        all.length > params.limit ? encodePinned(query, key(items[items.length - 1]), point) : null,
    };
  }

  private async partnersAtSeq(integrationId: string, seq: number): Promise<PartnerVersionDoc[]> {
    return (
      await this.all<PartnerVersionDoc>(AUDIT_PARTNER_VERSIONS, {
        where: { integrationId, toSeq: { gt: seq } },
        sort: [{ field: 'toSeq', direction: 'asc' }],
      })
    ).filter((p) => validAt(p, seq));
  }

  /** Every document of one indexed query, page after page. */
  private async all<T extends Document>(collection: string, options: FindOptions): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.readModels
        .collection<T>(collection)
        .find({ ...options, limit: BATCH, cursor });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }
}

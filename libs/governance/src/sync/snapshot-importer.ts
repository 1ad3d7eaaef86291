import { Inject, Injectable } from '@nestjs/common';
import {
  type AbsentMember,
  businessStream,
  catalogDecider,
  type CheckSummary,
  decideDepartures,
  DEFAULT_SAFEGUARD_PERCENT,
  type DepartureDecision,
  memberDecider,
  memberIdFor,
  type MemberState,
  memberStream,
  normalizeEmail,
  type ObservedBusiness,
} from '@app/domain';
import { EventStore } from '@app/eventstore';
import { CommandExecutor, type CommandContext, READ_MODEL_STORE } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { identitiesProjection } from '../directory/identities.projection';
import { MEMBERS, type MemberDoc, membersProjection } from '../read-models/members.projection';
import { IdentityCandidates } from './identity-candidates';

/** Changes nobody asked the service for are Pinterest's own: drift. */
export const DRIFT_ACTOR = 'pinterest';
export const MATCH_RULE_EMAIL = 'normalized_email';
const IMPORT_CHUNK = 500;

export interface ImportContext {
  workspaceId: string;
  integrationId: string;
  /** Who asked for the check: recorded on what the check discovers. */
  actor: string;
  actorKeyId?: string;
  correlationId: string;
  causationId: string | null;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportOptions {
  /** IMPORT_SAFEGUARD_PERCENT */
  safeguardPercent: number;
  /** An admin confirmed that this check may record departures past the safeguard. */
  confirmDepartures: boolean;
}

export interface ImportOutcome {
  /** What was recorded. */
  summary: CheckSummary;
  /** Whether the members not seen were recorded as gone, or why not. */
  departures: DepartureDecision;
}

/**
 * Turns one observation of the business into events: only what changed, each decided on its
 * own stream with optimistic concurrency. Running it twice on the same snapshot records
 * nothing the second time, which is also what makes a re-run after a crash safe.
 */
@Injectable()
export class SnapshotImporter {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly candidates: IdentityCandidates,
  ) {}

  /**
   * Everything seen is recorded; who was not seen is recorded as gone only when
   * decideDepartures says the absence means a departure (see ImportOutcome.departures).
   */
  async import(
    snapshot: ObservedBusiness,
    ctx: ImportContext,
    options: ImportOptions = {
      safeguardPercent: DEFAULT_SAFEGUARD_PERCENT,
      confirmDepartures: false,
    },
  ): Promise<ImportOutcome> {
    const base: CommandContext = {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      ...(ctx.actorKeyId ? { actorKeyId: ctx.actorKeyId } : {}),
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
    };
    const drift: CommandContext = { ...base, actor: DRIFT_ACTOR };
    const summary: CheckSummary = {
      membersAdded: 0,
      membersChanged: 0,
      membersGone: 0,
      membersMatched: 0,
      assets: snapshot.assets.length,
      partners: snapshot.partners.length,
      invites: snapshot.invites.length,
    };

    await this.commands.execute(
      businessStream(ctx.integrationId),
      catalogDecider,
      {
        type: 'ObserveCatalog',
        integrationId: ctx.integrationId,
        assets: snapshot.assets,
        partners: snapshot.partners,
        invites: snapshot.invites,
      },
      (state) => (state.assets.size === 0 && state.partners.size === 0 ? base : drift),
    );

    const states = new Map<string, MemberState>();
    const total = snapshot.members.length;
    let seenAgain = 0;
    // Many members per multi-stream append: a first import is one transaction per chunk.
    for (let from = 0; from < total; from += IMPORT_CHUNK) {
      const chunk = snapshot.members.slice(from, from + IMPORT_CHUNK).map((observed) => {
        const memberId = memberIdFor(ctx.integrationId, observed.pinterestUserId);
        return {
          stream: memberStream(memberId),
          command: {
            type: 'ObserveMember' as const,
            memberId,
            integrationId: ctx.integrationId,
            observed,
          },
          ctx: (state: MemberState) => (state.present ? drift : base),
          memberId,
        };
      });
      const results = await this.commands.executeMany(memberDecider, chunk);
      results.forEach((result, i) => {
        if (result.previous.present) seenAgain += 1;
        if (result.appended > 0) {
          if (result.previous.present) summary.membersChanged += 1;
          else summary.membersAdded += 1;
        }
        states.set(chunk[i].memberId, result.state);
      });
      ctx.onProgress?.(Math.min(total, from + IMPORT_CHUNK), total);
    }

    await this.observeInvites(snapshot, states, base);
    const absent = await this.absentMembers(ctx.integrationId, states);
    const departures = decideDepartures({
      snapshot,
      knownMembers: seenAgain + absent.length,
      absent,
      safeguardPercent: options.safeguardPercent,
      confirmed: options.confirmDepartures,
    });
    if (departures.kind === 'record') {
      summary.membersGone = await this.recordGone(departures.memberIds, drift);
    }
    summary.membersMatched = await this.autoMatch(ctx.workspaceId, states, base);
    ctx.onProgress?.(total, total);
    return { summary, departures };
  }

  /** An invite sent when a member was matched is claimed once its email joins the business. */
  private async observeInvites(
    snapshot: ObservedBusiness,
    states: Map<string, MemberState>,
    ctx: CommandContext,
  ): Promise<void> {
    const joined = new Set(snapshot.members.map((m) => normalizeEmail(m.email)));
    const invites = new Map(snapshot.invites.map((i) => [normalizeEmail(i.email), i] as const));
    for (const [memberId, state] of states) {
      if (state.invite?.status !== 'pending_invite_claim') continue;
      const email = normalizeEmail(state.invite.email);
      const result = await this.commands.execute(
        memberStream(memberId),
        memberDecider,
        { type: 'ObserveInvite', joined: joined.has(email), invite: invites.get(email) ?? null },
        ctx,
      );
      states.set(memberId, result.state);
    }
  }

  /** Members the log holds as present whom this snapshot did not show. */
  private async absentMembers(
    integrationId: string,
    seen: Map<string, MemberState>,
  ): Promise<AbsentMember[]> {
    // What follows reads members here and identity emails in autoMatch: the other projections
    // (the audit's above all) need not hold up every import.
    await this.projections.waitFor(await this.events.headPosition(), 60_000, [
      membersProjection.name,
      identitiesProjection.name,
    ]);
    const members = this.readModels.collection<MemberDoc>(MEMBERS);
    let cursor: string | null = null;
    const absent: AbsentMember[] = [];
    do {
      const page: { items: MemberDoc[]; nextCursor: string | null } = await members.find({
        where: { integrationId, tab: { in: ['unmatched', 'onboarded', 'exempted'] } },
        limit: 1000,
        cursor: cursor ?? undefined,
      });
      for (const doc of page.items) {
        if (seen.has(doc.id)) continue;
        absent.push({
          memberId: doc.id,
          removalByUs:
            doc.pendingAction?.kind === 'removal' ||
            doc.lastFailure?.kind === 'deprovisioning_failed',
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return absent;
  }

  /** Members seen before and absent now left the business without us. */
  private async recordGone(memberIds: string[], drift: CommandContext): Promise<number> {
    let gone = 0;
    for (const memberId of memberIds) {
      const result = await this.commands.execute(
        memberStream(memberId),
        memberDecider,
        { type: 'ObserveMemberGone', memberId },
        drift,
      );
      gone += result.appended > 0 ? 1 : 0;
    }
    return gone;
  }

  private async autoMatch(
    workspaceId: string,
    states: Map<string, MemberState>,
    ctx: CommandContext,
  ): Promise<number> {
    const open = [...states.entries()].filter(([, s]) => s.present && !s.match && !s.exempted);
    if (open.length === 0) return 0;
    const byEmail = await this.candidates.forEmails(
      workspaceId,
      open.map(([, s]) => normalizeEmail(s.email)),
    );
    let matched = 0;
    const items = open
      .map(([memberId, state]) => ({
        memberId,
        candidates: byEmail.get(normalizeEmail(state.email)) ?? [],
        state,
      }))
      .filter((m) => m.candidates.length > 0 || m.state.ambiguousCandidates)
      .map((m) => ({
        stream: memberStream(m.memberId),
        command: { type: 'AutoMatch' as const, candidates: m.candidates, rule: MATCH_RULE_EMAIL },
        ctx,
      }));
    for (let from = 0; from < items.length; from += IMPORT_CHUNK) {
      for (const result of await this.commands.executeMany(
        memberDecider,
        items.slice(from, from + IMPORT_CHUNK),
      )) {
        if (result.state.match && !result.previous.match) matched += 1;
      }
    }
    return matched;
  }
}

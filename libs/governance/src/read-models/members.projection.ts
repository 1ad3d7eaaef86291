import type { AssetGrants, BusinessRole, MatchHow, MatchRole, MemberEvent } from '@app/domain';
import { normalizeEmail, taskOutcomeOf } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection, ProjectionContext } from '@app/projections';
import type { Document } from '@app/readmodels';

export type MemberTab = 'unmatched' | 'onboarded' | 'exempted' | 'gone';

export interface MemberDoc extends Document {
  workspaceId: string;
  integrationId: string;
  pinterestUserId: string;
  name: string;
  email: string;
  emailNormalized: string;
  businessRole: BusinessRole;
  assets: AssetGrants;
  present: boolean;
  tab: MemberTab;
  status: string;
  matchedIdentity: {
    identityId: string;
    how: MatchHow;
    rule: string;
    /** What the match lets the person do here (owner manages); null: an automatic match. */
    role: MatchRole | null;
    matchedAt: string;
    actor: string;
  } | null;
  ambiguity: { candidates: string[]; rule: string; since: string } | null;
  /** `expiresAt`: when it ends by itself (back to Unmatched); null: it does not. */
  exemption: { reason: string; actor: string; at: string; expiresAt: string | null } | null;
  /** The action the service is carrying out on Pinterest for this member, if any. */
  pendingAction: { kind: string; taskId: string; requestedAt: string; actor: string } | null;
  invite: { email: string; status: string; taskId: string | null } | null;
  lastFailure: {
    kind: string;
    taskId: string;
    failure: { kind: string; message: string; evidence: string[] };
    at: string;
  } | null;
  account: {
    status: 'connect_your_account' | 'connected' | 'login_failed';
    reason: string | null;
    at: string | null;
  };
  /**
   * How the removal request ended: `outcome` is `removed` only when we removed them (or it
   * follows our own interrupted attempt), else `absent`; `observed` is what the page showed.
   */
  removal: {
    taskId: string;
    outcome: string;
    observed: string;
    afterInterruptedAttempt: boolean | null;
    removedBy: string | null;
    actor: string;
    at: string;
  } | null;
  /** Lower-cased name and email, for the tabs' search box. */
  searchText: string;
  discoveredAt: string;
  updatedAt: string;
}

export const MEMBERS = 'members';
/** How many members each tab of an integration holds, kept with the members that move. */
export const MEMBER_TAB_COUNTS = 'member_tab_counts';

export interface MemberTabCountsDoc extends Document {
  workspaceId: string;
  unmatched: number;
  onboarded: number;
  exempted: number;
}

const COUNTED_TABS: readonly MemberTab[] = ['unmatched', 'onboarded', 'exempted'];

/** Moves a member from one tab's count to another's; `gone` is not counted. */
async function recount(
  ctx: ProjectionContext,
  member: Pick<MemberDoc, 'integrationId' | 'workspaceId'>,
  from: MemberTab | null,
  to: MemberTab,
): Promise<void> {
  if (from === to) return;
  const counts = (await ctx.get<MemberTabCountsDoc>(MEMBER_TAB_COUNTS, member.integrationId)) ?? {
    id: member.integrationId,
    workspaceId: member.workspaceId,
    unmatched: 0,
    onboarded: 0,
    exempted: 0,
  };
  const next = { ...counts };
  for (const [tab, delta] of [
    [from, -1],
    [to, 1],
  ] as const) {
    if (tab !== null && COUNTED_TABS.includes(tab)) {
      next[tab as 'unmatched' | 'onboarded' | 'exempted'] += delta;
    }
  }
  ctx.put<MemberTabCountsDoc>(MEMBER_TAB_COUNTS, next);
}

function tabOf(doc: Pick<MemberDoc, 'present' | 'matchedIdentity' | 'exemption'>): MemberTab {
  if (!doc.present) return 'gone';
  if (doc.exemption) return 'exempted';
  if (doc.matchedIdentity) return 'onboarded';
  return 'unmatched';
}

function statusOf(
  doc: Pick<
    MemberDoc,
    | 'present'
    | 'matchedIdentity'
    | 'exemption'
    | 'ambiguity'
    | 'pendingAction'
    | 'invite'
    | 'lastFailure'
  >,
): string {
  if (!doc.present) return 'removed';
  if (doc.pendingAction?.kind === 'removal') return 'awaiting_deprovisioning';
  if (doc.pendingAction?.kind === 'invite') return 'inviting';
  if (doc.pendingAction) return 'awaiting_update';
  if (doc.lastFailure) return doc.lastFailure.kind;
  if (doc.exemption) return 'exempted';
  if (doc.invite?.status === 'pending_invite_claim') return 'pending_invite_claim';
  if (doc.invite?.status === 'invite_expired') return 'invite_expired';
  if (doc.matchedIdentity) return 'onboarded';
  return doc.ambiguity ? 'ambiguous' : 'unmatched';
}

const PENDING_KIND: Record<string, string> = {
  MemberRemovalRequested: 'removal',
  MemberInviteRequested: 'invite',
  MemberBusinessRoleChangeRequested: 'role',
  MemberAssetPermissionsChangeRequested: 'permissions',
};

/** The Unmatched / Onboarded / Exempted tabs: one document per member. */
export const membersProjection: Projection = {
  name: 'members',
  version: 4,
  collections: [
    {
      name: MEMBERS,
      // Each read's equality fields, then its sort: a tab page, a tab walked by id (sync),
      // an email on a business (invites) and in a workspace (matching).
      indexes: [
        ['integrationId', 'tab', 'name'],
        ['integrationId', 'tab'],
        ['integrationId', 'emailNormalized', 'tab'],
        ['workspaceId', 'emailNormalized', 'tab'],
      ],
      search: ['name', 'email'],
    },
    { name: MEMBER_TAB_COUNTS, indexes: [] },
  ],
  filter: { categories: ['member'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as MemberEvent & { metadata: RecordedEvent['metadata'] };
    const at = recorded.metadata.occurredAt;
    const current = await ctx.get<MemberDoc>(MEMBERS, event.data.memberId);
    let next: MemberDoc | null = current;
    switch (event.type) {
      case 'MemberDiscovered': {
        const d = event.data;
        next = {
          ...(current ?? {
            matchedIdentity: null,
            ambiguity: null,
            exemption: null,
            pendingAction: null,
            invite: null,
            lastFailure: null,
            account: { status: 'connect_your_account', reason: null, at: null },
            discoveredAt: at,
          }),
          removal: null,
          id: d.memberId,
          workspaceId: recorded.metadata.workspaceId,
          integrationId: d.integrationId,
          pinterestUserId: d.pinterestUserId,
          name: d.personal.name,
          email: d.personal.email,
          emailNormalized: normalizeEmail(d.personal.email),
          businessRole: d.businessRole,
          assets: d.assets,
          present: true,
          tab: 'unmatched',
          status: 'unmatched',
          searchText: '',
          updatedAt: at,
        };
        break;
      }
      case 'MemberProfileChanged':
        if (current) {
          next = {
            ...current,
            name: event.data.personal.name,
            email: event.data.personal.email,
            emailNormalized: normalizeEmail(event.data.personal.email),
          };
        }
        break;
      case 'MemberBusinessRoleChanged':
        if (current) {
          const answered = current.pendingAction?.kind === 'role';
          next = {
            ...current,
            businessRole: event.data.to,
            ...(answered ? { pendingAction: null, lastFailure: null } : {}),
          };
        }
        break;
      case 'MemberAssetPermissionsChanged':
        if (current) {
          const assets = { ...current.assets };
          if (event.data.to.length > 0) assets[event.data.assetId] = event.data.to;
          else delete assets[event.data.assetId];
          const answered = current.pendingAction?.kind === 'permissions';
          next = {
            ...current,
            assets,
            ...(answered ? { pendingAction: null, lastFailure: null } : {}),
          };
        }
        break;
      case 'MemberLeftBusiness':
        if (current) next = { ...current, present: false, assets: {} };
        break;
      case 'MemberMatched':
        if (current) {
          next = {
            ...current,
            matchedIdentity: {
              identityId: event.data.identityId,
              how: event.data.how,
              rule: event.data.rule,
              role: event.data.role ?? null,
              matchedAt: at,
              actor: recorded.metadata.actor,
            },
            ambiguity: null,
          };
        }
        break;
      case 'MemberMatchAmbiguous':
        if (current)
          next = {
            ...current,
            ambiguity: { candidates: event.data.candidates, rule: event.data.rule, since: at },
          };
        break;
      case 'MemberAmbiguityCleared':
        if (current) next = { ...current, ambiguity: null };
        break;
      case 'MemberExempted':
        if (current)
          next = {
            ...current,
            exemption: {
              reason: event.data.reason,
              actor: recorded.metadata.actor,
              at,
              expiresAt: event.data.expiresAt ?? null,
            },
          };
        break;
      case 'MemberUnexempted':
      case 'MemberExemptionExpired':
        if (current) next = { ...current, exemption: null };
        break;
      case 'MemberRemovalRequested':
      case 'MemberInviteRequested':
      case 'MemberBusinessRoleChangeRequested':
      case 'MemberAssetPermissionsChangeRequested':
        if (current) {
          next = {
            ...current,
            pendingAction: {
              kind: PENDING_KIND[event.type],
              taskId: event.data.taskId,
              requestedAt: at,
              actor: recorded.metadata.actor,
            },
            lastFailure: null,
            ...(event.type === 'MemberInviteRequested'
              ? {
                  invite: {
                    email: event.data.email,
                    status: 'inviting',
                    taskId: event.data.taskId,
                  },
                }
              : {}),
          };
        }
        break;
      case 'MemberRemoved':
        if (current) {
          next = {
            ...current,
            present: false,
            assets: {},
            pendingAction: null,
            lastFailure: null,
            removal: {
              taskId: event.data.taskId,
              outcome: taskOutcomeOf(event) ?? event.data.outcome,
              observed: event.data.outcome,
              afterInterruptedAttempt:
                event.data.outcome === 'already_absent' ? event.data.afterInterruptedAttempt : null,
              removedBy:
                event.data.outcome === 'already_absent' ? (event.data.removedBy ?? null) : null,
              actor: recorded.metadata.actor,
              at,
            },
          };
        }
        break;
      case 'MemberRemovalFailed':
      case 'MemberInviteFailed':
      case 'MemberUpdateFailed':
        if (current) {
          const kind =
            event.type === 'MemberRemovalFailed'
              ? 'deprovisioning_failed'
              : event.type === 'MemberInviteFailed'
                ? 'invite_failed'
                : 'update_failed';
          next = {
            ...current,
            pendingAction: null,
            lastFailure: { kind, taskId: event.data.taskId, failure: event.data.failure, at },
            ...(event.type === 'MemberInviteFailed' && current.invite
              ? { invite: { ...current.invite, status: 'invite_failed' } }
              : {}),
          };
        }
        break;
      case 'MemberInvited':
        if (current) {
          next = {
            ...current,
            pendingAction: null,
            invite: {
              email: event.data.email,
              status: 'pending_invite_claim',
              taskId: event.data.taskId,
            },
          };
        }
        break;
      case 'MemberInviteClaimed':
        if (current?.invite)
          next = { ...current, invite: { ...current.invite, status: 'claimed' } };
        break;
      case 'MemberInviteExpired':
        if (current?.invite)
          next = { ...current, invite: { ...current.invite, status: 'invite_expired' } };
        break;
      case 'MemberAccountConnected':
        if (current) next = { ...current, account: { status: 'connected', reason: null, at } };
        break;
      case 'MemberAccountConnectionFailed':
        if (current)
          next = { ...current, account: { status: 'login_failed', reason: event.data.reason, at } };
        break;
      case 'MemberActionAttempted':
      case 'MemberActionAttemptFailed':
        return;
    }
    if (!next) return;
    next.tab = tabOf(next);
    next.status = statusOf(next);
    next.searchText = `${next.name}\n${next.email}`.toLowerCase();
    next.updatedAt = at;
    await recount(ctx, next, current?.tab ?? null, next.tab);
    ctx.put<MemberDoc>(MEMBERS, next);
  },
};

import { ERASED_PREFIX } from '../person/person.events';
import type { Decider } from '../shared/decider';
import { WrongState } from '../shared/errors';
import { deterministicId, normalizeEmail } from '../shared/ids';
import { futureInstant, isDue, oneYearAfter } from '../shared/time';
import {
  type AssetGrants,
  type AssetPermission,
  type BusinessRole,
  diffGrants,
  normalizeGrants,
  type ObservedInvite,
  type ObservedMember,
  samePermissions,
} from '../pinterest/business';
import type {
  ActionFailure,
  ChangeAnswer,
  MatchHow,
  MatchRole,
  MemberEvent,
  MemberInvited,
  MemberRemoved,
} from './member.events';

/** A member is one Pinterest person inside one integration (business). */
export function memberIdFor(integrationId: string, pinterestUserId: string): string {
  return deterministicId('member', integrationId, pinterestUserId);
}

export type PendingAction =
  | { kind: 'removal'; taskId: string; attempts: number }
  | { kind: 'invite'; taskId: string; attempts: number; email: string; businessRole: BusinessRole }
  | { kind: 'role'; taskId: string; attempts: number; to: BusinessRole }
  | {
      kind: 'permissions';
      taskId: string;
      attempts: number;
      assetId: string;
      to: AssetPermission[];
    };

export type MemberCommand =
  | { type: 'ObserveMember'; memberId: string; integrationId: string; observed: ObservedMember }
  | { type: 'ObserveMemberGone'; memberId: string }
  /** Candidates: the active identities whose emails equal the member's (normalised). */
  | { type: 'AutoMatch'; candidates: readonly string[]; rule: string }
  /** What a check saw of the invitation sent for this member's identity. */
  | { type: 'ObserveInvite'; joined: boolean; invite: ObservedInvite | null }
  /**
   * `expiresAt`: when the exemption ends by itself (in the future, at most a year ahead of
   * `now`, which must then be given: the decider reads no clock).
   */
  | { type: 'ExemptMember'; reason: string; expiresAt?: string; now?: string }
  | { type: 'UnexemptMember' }
  /** The scheduler's sweep: ends the exemption if its `expiresAt` has come by `now`. */
  | { type: 'ExpireExemption'; now: string }
  | {
      type: 'MatchMember';
      identityId: string;
      role: MatchRole;
      identity: { active: boolean; email: string | null };
      /** The identity's email is already a member or a pending invite of the business. */
      alreadyOnBusiness: boolean;
      taskId: string;
    }
  /**
   * `automationAccountEmail`: the login the integration acts with (from its automation
   * account's stream), or null when it has none: that member must keep its access.
   */
  | { type: 'RemoveMember'; taskId: string; automationAccountEmail: string | null }
  | {
      type: 'ChangeBusinessRole';
      taskId: string;
      role: BusinessRole;
      automationAccountEmail: string | null;
    }
  | {
      type: 'ChangeAssetPermissions';
      taskId: string;
      assetId: string;
      permissions: AssetPermission[];
      automationAccountEmail: string | null;
    }
  | { type: 'RecordActionAttempt'; taskId: string; attempt: number }
  | {
      type: 'RecordActionAttemptFailed';
      taskId: string;
      attempt: number;
      failure: ActionFailure;
      retryAt: string;
    }
  /**
   * What the gateway saw (`removed`, `already_absent`, `invited`, `already_invited`,
   * `already_member`, `changed`, `unchanged`, …) and who the page says removed the person,
   * when it names someone.
   */
  | { type: 'CompleteAction'; taskId: string; observed: string; removedBy?: string }
  | { type: 'FailAction'; taskId: string; failure: ActionFailure }
  | { type: 'ConnectAccount'; credentialsRef: string; ok: boolean; reason?: string }
  /**
   * The identity `identityId` was deprovisioned at `leftAt`: a member matched to it becomes a
   * leaver. `automationAccountEmail` as for RemoveMember: that member is marked, not removable.
   */
  | {
      type: 'MarkLeaver';
      identityId: string;
      leftAt: string;
      reason: string;
      automationAccountEmail: string | null;
    }
  /** The identity `identityId` was reactivated: a leaver not yet being removed is reinstated. */
  | { type: 'ReinstateLeaver'; identityId: string };

export type InviteStatus =
  'inviting' | 'pending_invite_claim' | 'invite_failed' | 'invite_expired' | 'claimed';

export interface MemberState {
  memberId: string | null;
  integrationId: string | null;
  present: boolean;
  removedByUs: boolean;
  pinterestUserId: string | null;
  name: string;
  email: string;
  businessRole: BusinessRole;
  assets: AssetGrants;
  /** `role` is what the match lets the person do here; an automatic match chose none. */
  match: { identityId: string; how: MatchHow; rule: string; role: MatchRole | null } | null;
  ambiguousCandidates: string[] | null;
  exempted: boolean;
  /** When the current exemption ends by itself; null: it does not. */
  exemptionExpiresAt: string | null;
  pending: PendingAction | null;
  invite: { email: string; status: InviteStatus } | null;
  lastFailure: 'deprovisioning_failed' | 'update_failed' | 'invite_failed' | null;
  /** Set while the matched identity is deprovisioned (until reinstated). */
  leaver: { identityId: string; leftAt: string; reason: string } | null;
}

const initialState: MemberState = {
  memberId: null,
  integrationId: null,
  present: false,
  removedByUs: false,
  pinterestUserId: null,
  name: '',
  email: '',
  businessRole: 'employee',
  assets: {},
  match: null,
  ambiguousCandidates: null,
  exempted: false,
  exemptionExpiresAt: null,
  pending: null,
  invite: null,
  lastFailure: null,
  leaver: null,
};

/** What the member is, in words the API answers a refused action with. */
export function describeMember(state: MemberState): string {
  if (!state.present) return state.removedByUs ? 'removed' : 'not on Pinterest';
  if (state.pending?.kind === 'removal') return 'being removed';
  if (state.pending) return `busy with a pending ${state.pending.kind} change`;
  if (state.exempted) return 'exempted';
  if (state.match) return 'onboarded';
  return 'unmatched';
}

export const memberDecider: Decider<MemberCommand, MemberEvent, MemberState> = {
  initialState,

  evolve(state, event) {
    switch (event.type) {
      case 'MemberDiscovered':
        return {
          ...state,
          memberId: event.data.memberId,
          integrationId: event.data.integrationId,
          present: true,
          removedByUs: false,
          pinterestUserId: event.data.pinterestUserId,
          name: event.data.personal.name,
          email: event.data.personal.email,
          businessRole: event.data.businessRole,
          assets: event.data.assets,
        };
      case 'MemberProfileChanged':
        return { ...state, name: event.data.personal.name, email: event.data.personal.email };
      case 'MemberBusinessRoleChanged':
        return {
          ...state,
          businessRole: event.data.to,
          ...(state.pending?.kind === 'role' && state.pending.to === event.data.to ? settled : {}),
        };
      case 'MemberAssetPermissionsChanged': {
        const assets = { ...state.assets };
        if (event.data.to.length > 0) assets[event.data.assetId] = event.data.to;
        else delete assets[event.data.assetId];
        const answered =
          state.pending?.kind === 'permissions' &&
          state.pending.assetId === event.data.assetId &&
          samePermissions(state.pending.to, event.data.to);
        return { ...state, assets, ...(answered ? settled : {}) };
      }
      case 'MemberLeftBusiness':
        return { ...state, present: false, assets: {}, pending: null };
      case 'MemberMatched':
        return {
          ...state,
          match: {
            identityId: event.data.identityId,
            how: event.data.how,
            rule: event.data.rule,
            role: event.data.role ?? null,
          },
          ambiguousCandidates: null,
        };
      case 'MemberBecameLeaver':
        return {
          ...state,
          leaver: {
            identityId: event.data.identityId,
            leftAt: event.data.leftAt,
            reason: event.data.reason,
          },
        };
      case 'MemberReinstated':
        return { ...state, leaver: null };
      case 'MemberMatchAmbiguous':
        return { ...state, ambiguousCandidates: event.data.candidates };
      case 'MemberAmbiguityCleared':
        return { ...state, ambiguousCandidates: null };
      case 'MemberExempted':
        return { ...state, exempted: true, exemptionExpiresAt: event.data.expiresAt ?? null };
      case 'MemberUnexempted':
      case 'MemberExemptionExpired':
        return { ...state, exempted: false, exemptionExpiresAt: null };
      case 'MemberRemovalRequested':
        return {
          ...state,
          pending: { kind: 'removal', taskId: event.data.taskId, attempts: 0 },
          lastFailure: null,
        };
      case 'MemberInviteRequested':
        return {
          ...state,
          pending: {
            kind: 'invite',
            taskId: event.data.taskId,
            attempts: 0,
            email: event.data.email,
            businessRole: event.data.businessRole,
          },
          invite: { email: event.data.email, status: 'inviting' },
          lastFailure: null,
        };
      case 'MemberBusinessRoleChangeRequested':
        return {
          ...state,
          pending: { kind: 'role', taskId: event.data.taskId, attempts: 0, to: event.data.to },
          lastFailure: null,
        };
      case 'MemberAssetPermissionsChangeRequested':
        return {
          ...state,
          pending: {
            kind: 'permissions',
            taskId: event.data.taskId,
            attempts: 0,
            assetId: event.data.assetId,
            to: event.data.to,
          },
          lastFailure: null,
        };
      case 'MemberActionAttempted':
        return state.pending?.taskId === event.data.taskId
          ? {
              ...state,
              pending: {
                ...state.pending,
                attempts: Math.max(state.pending.attempts, event.data.attempt),
              },
            }
          : state;
      case 'MemberActionAttemptFailed':
        return state;
      case 'MemberRemoved':
        return {
          ...state,
          present: false,
          removedByUs: removalIsOurs(event.data),
          assets: {},
          pending: null,
          lastFailure: null,
        };
      case 'MemberRemovalFailed':
        return { ...state, pending: null, lastFailure: 'deprovisioning_failed' };
      case 'MemberInvited':
        return {
          ...state,
          pending: null,
          invite: { email: event.data.email, status: 'pending_invite_claim' },
        };
      case 'MemberInviteFailed':
        return {
          ...state,
          pending: null,
          invite: state.invite ? { ...state.invite, status: 'invite_failed' } : null,
          lastFailure: 'invite_failed',
        };
      case 'MemberInviteClaimed':
        return { ...state, invite: state.invite ? { ...state.invite, status: 'claimed' } : null };
      case 'MemberInviteExpired':
        return {
          ...state,
          invite: state.invite ? { ...state.invite, status: 'invite_expired' } : null,
        };
      case 'MemberUpdateFailed':
        return { ...state, pending: null, lastFailure: 'update_failed' };
      case 'MemberAccountConnected':
      case 'MemberAccountConnectionFailed':
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ObserveMember':
        return observe(command.memberId, command.integrationId, command.observed, state);
      case 'ObserveMemberGone':
        if (!state.present || !state.memberId || !state.integrationId) return [];
        return [
          {
            type: 'MemberLeftBusiness',
            data: {
              memberId: state.memberId,
              integrationId: state.integrationId,
              businessRole: state.businessRole,
              revokedAssets: state.assets,
            },
          },
        ];
      case 'AutoMatch':
        return autoMatch(command.candidates, command.rule, state);
      case 'ObserveInvite':
        return observeInvite(command.joined, command.invite, state);
      default:
        return decideAction(command, state);
    }
  },
};

/** A change that answers the pending request (the saga's outcome) clears it. */
const settled: Partial<MemberState> = { pending: null, lastFailure: null };

function refuse(message: string, state: MemberState, reason?: string): never {
  throw new WrongState(message, {
    state: describeMember(state),
    pendingTaskId: state.pending?.taskId ?? null,
    ...(reason ? { reason } : {}),
  });
}

/** Whether this member is the login the integration acts with on Pinterest. */
function isAutomationAccount(state: MemberState, automationAccountEmail: string | null): boolean {
  return (
    automationAccountEmail !== null &&
    state.email !== '' &&
    normalizeEmail(state.email) === normalizeEmail(automationAccountEmail)
  );
}

/**
 * Removing, demoting or narrowing the automation account would lock the integration out of
 * the business it governs (the next check fails with business_not_found or permission_denied).
 */
function refuseLockout(what: string, state: MemberState): never {
  refuse(
    `cannot ${what} the automation account the integration logs in with`,
    state,
    'automation_account',
  );
}

function decideAction(command: MemberCommand, state: MemberState): MemberEvent[] {
  if (!state.memberId || !state.integrationId) refuse('member not found', state);
  const ref = { memberId: state.memberId, integrationId: state.integrationId };
  switch (command.type) {
    case 'ExemptMember': {
      // The request's own field is judged first: a bad expiresAt is a 400 in any state.
      const expiresAt =
        command.expiresAt !== undefined ? exemptionEnd(command.expiresAt, command.now) : null;
      if (!state.present) refuse(`cannot exempt a member who is ${describeMember(state)}`, state);
      if (state.pending) refuse(`cannot exempt a member ${describeMember(state)}`, state);
      if (state.exempted) refuse('member is already exempted', state);
      if (state.match) refuse('cannot exempt an onboarded member', state);
      return [
        {
          type: 'MemberExempted',
          data: { ...ref, reason: command.reason, ...(expiresAt !== null ? { expiresAt } : {}) },
        },
      ];
    }
    case 'UnexemptMember':
      if (!state.exempted) refuse('member is not exempted', state);
      return [{ type: 'MemberUnexempted', data: ref }];
    case 'ExpireExemption': {
      // A sweep that fires twice, early, or after an unexempt finds nothing to end.
      const expiresAt = state.exemptionExpiresAt;
      if (!state.exempted || expiresAt === null || !isDue(expiresAt, command.now)) return [];
      return [
        {
          type: 'MemberExemptionExpired',
          data: { ...ref, reason: 'exemption_expired', expiresAt },
        },
      ];
    }
    case 'MatchMember': {
      if (!state.present || state.pending || state.exempted || state.match) {
        refuse(`cannot match a member who is ${describeMember(state)}`, state);
      }
      if (!command.identity.active) refuse('cannot match to a deprovisioned identity', state);
      const events: MemberEvent[] = [
        {
          type: 'MemberMatched',
          data: {
            ...ref,
            identityId: command.identityId,
            how: 'manual',
            rule: 'manual',
            role: command.role,
          },
        },
      ];
      if (!command.alreadyOnBusiness && command.identity.email) {
        events.push({
          type: 'MemberInviteRequested',
          data: {
            ...ref,
            taskId: command.taskId,
            identityId: command.identityId,
            email: command.identity.email,
            businessRole: state.businessRole,
          },
        });
      }
      return events;
    }
    case 'RemoveMember':
      if (!state.present || state.pending)
        refuse(`cannot remove a member who is ${describeMember(state)}`, state);
      if (state.exempted) refuse('cannot remove an exempted member; unexempt them first', state);
      if (isAutomationAccount(state, command.automationAccountEmail))
        refuseLockout('remove', state);
      return [{ type: 'MemberRemovalRequested', data: { ...ref, taskId: command.taskId } }];
    case 'ChangeBusinessRole':
      if (!state.present || state.pending)
        refuse(`cannot change the role of a member who is ${describeMember(state)}`, state);
      if (state.businessRole === command.role) return [];
      if (command.role !== 'manager' && isAutomationAccount(state, command.automationAccountEmail))
        refuseLockout('demote', state);
      // Owner is the match role that "manages the account configuration"; a collaborator (or
      // an automatic match, which chose no role) only logs in. Unmatched members are not
      // governed by a match, so the rule has nothing to say about them.
      if (command.role === 'manager' && state.match && state.match.role !== 'owner') {
        refuse(
          'only a member matched as owner can be given the manager role',
          state,
          'collaborator',
        );
      }
      return [
        {
          type: 'MemberBusinessRoleChangeRequested',
          data: { ...ref, taskId: command.taskId, from: state.businessRole, to: command.role },
        },
      ];
    case 'ChangeAssetPermissions': {
      if (!state.present || state.pending) {
        refuse(`cannot change the permissions of a member who is ${describeMember(state)}`, state);
      }
      const to = normalizeGrants({ [command.assetId]: command.permissions })[command.assetId] ?? [];
      const from = state.assets[command.assetId] ?? [];
      if (samePermissions(from, to)) return [];
      if (
        from.some((p) => !to.includes(p)) &&
        isAutomationAccount(state, command.automationAccountEmail)
      ) {
        refuseLockout('take permissions from', state);
      }
      return [
        {
          type: 'MemberAssetPermissionsChangeRequested',
          data: { ...ref, taskId: command.taskId, assetId: command.assetId, from, to },
        },
      ];
    }
    case 'RecordActionAttempt':
      if (state.pending?.taskId !== command.taskId || state.pending.attempts >= command.attempt)
        return [];
      return [
        {
          type: 'MemberActionAttempted',
          data: { ...ref, taskId: command.taskId, attempt: command.attempt },
        },
      ];
    case 'RecordActionAttemptFailed':
      if (state.pending?.taskId !== command.taskId) return [];
      return [
        {
          type: 'MemberActionAttemptFailed',
          data: {
            ...ref,
            taskId: command.taskId,
            attempt: command.attempt,
            failure: command.failure,
            retryAt: command.retryAt,
          },
        },
      ];
    case 'CompleteAction':
      return complete(command.taskId, command.observed, command.removedBy, state, ref);
    case 'FailAction': {
      const pending = state.pending;
      if (pending?.taskId !== command.taskId) return [];
      const data = {
        ...ref,
        taskId: command.taskId,
        attempts: pending.attempts,
        failure: command.failure,
      };
      if (pending.kind === 'removal') return [{ type: 'MemberRemovalFailed', data }];
      if (pending.kind === 'invite') return [{ type: 'MemberInviteFailed', data }];
      return [{ type: 'MemberUpdateFailed', data }];
    }
    case 'MarkLeaver':
      // Only a member on Pinterest, matched to that very identity, and not already its leaver.
      if (!state.present || state.match?.identityId !== command.identityId) return [];
      if (state.leaver?.identityId === command.identityId) return [];
      return [
        {
          type: 'MemberBecameLeaver',
          data: {
            ...ref,
            identityId: command.identityId,
            leftAt: command.leftAt,
            reason: command.reason,
            ...(isAutomationAccount(state, command.automationAccountEmail)
              ? { automationAccount: true as const }
              : {}),
          },
        },
      ];
    case 'ReinstateLeaver':
      // Before removal only: a removal under way is not called back, it ends as it ends.
      if (state.leaver?.identityId !== command.identityId) return [];
      if (!state.present || state.pending?.kind === 'removal') return [];
      return [{ type: 'MemberReinstated', data: { ...ref, identityId: command.identityId } }];
    case 'ConnectAccount':
      if (!state.present || !state.match)
        refuse('only an onboarded member can connect their account', state);
      return command.ok
        ? [
            {
              type: 'MemberAccountConnected',
              data: { ...ref, credentialsRef: command.credentialsRef },
            },
          ]
        : [
            {
              type: 'MemberAccountConnectionFailed',
              data: { ...ref, reason: command.reason ?? 'login failed' },
            },
          ];
    default:
      return [];
  }
}

function exemptionEnd(expiresAt: string, now: string | undefined): string {
  if (now === undefined) throw new Error('ExemptMember with expiresAt needs `now`');
  return futureInstant(expiresAt, now, 'expiresAt', {
    instant: oneYearAfter(now),
    words: 'one year',
  });
}

/**
 * When an observed "already done" counts as our outcome: only when an attempt of ours was cut
 * off before this one (it most likely did it) and the page names no one else as having done
 * it. A first attempt that finds the change made was not us.
 */
export function alreadyDoneIsOurs(seen: {
  afterInterruptedAttempt: boolean;
  removedBy?: string;
}): boolean {
  return seen.afterInterruptedAttempt && !seen.removedBy;
}

export function removalIsOurs(data: MemberRemoved['data']): boolean {
  return data.outcome === 'removed' || alreadyDoneIsOurs(data);
}

/**
 * What an automation task says of the outcome recorded on the member: `removed`, `invited`,
 * `changed` only when we did it (or it follows our own interrupted attempt); otherwise what
 * was found: `absent`, `already_invited`, `already_member`, `unchanged`. Null for an event
 * that does not answer a task.
 */
export function taskOutcomeOf(event: MemberEvent): string | null {
  switch (event.type) {
    case 'MemberRemoved':
      return removalIsOurs(event.data) ? 'removed' : 'absent';
    case 'MemberInvited':
      return invitedByUs(event.data) ? 'invited' : event.data.outcome;
    case 'MemberBusinessRoleChanged':
    case 'MemberAssetPermissionsChanged': {
      const d = event.data;
      if (!d.taskId || !d.outcome) return null;
      return d.outcome === 'changed' ||
        alreadyDoneIsOurs({ afterInterruptedAttempt: d.afterInterruptedAttempt ?? false })
        ? 'changed'
        : 'unchanged';
    }
    default:
      return null;
  }
}

function invitedByUs(data: MemberInvited['data']): boolean {
  // Already a member is not the answer to an invitation, whoever sent it.
  if (data.outcome === 'already_member') return false;
  return data.outcome === 'invited' || alreadyDoneIsOurs(data);
}

const CHANGE_DONE = new Set(['changed', 'granted', 'updated', 'removed']);

function complete(
  taskId: string,
  observed: string,
  removedBy: string | undefined,
  state: MemberState,
  ref: { memberId: string; integrationId: string },
): MemberEvent[] {
  const pending = state.pending;
  if (pending?.taskId !== taskId) return [];
  // The attempt that observed this is recorded before it ran: more than one means an
  // earlier attempt of ours started and never recorded how it ended.
  const afterInterruptedAttempt = pending.attempts > 1;
  switch (pending.kind) {
    case 'removal': {
      const base = {
        ...ref,
        taskId,
        businessRole: state.businessRole,
        revokedAssets: state.assets,
      };
      return [
        {
          type: 'MemberRemoved',
          data:
            observed === 'already_absent'
              ? {
                  ...base,
                  outcome: 'already_absent',
                  afterInterruptedAttempt,
                  ...(removedBy ? { removedBy } : {}),
                }
              : { ...base, outcome: 'removed' },
        },
      ];
    }
    case 'invite': {
      const base = { ...ref, taskId, email: pending.email };
      return [
        {
          type: 'MemberInvited',
          data:
            observed === 'already_invited' || observed === 'already_member'
              ? { ...base, outcome: observed, afterInterruptedAttempt }
              : { ...base, outcome: 'invited' },
        },
      ];
    }
    case 'role':
    case 'permissions': {
      const answer: ChangeAnswer = {
        taskId,
        outcome: CHANGE_DONE.has(observed) ? 'changed' : 'already_done',
        afterInterruptedAttempt,
      };
      return pending.kind === 'role'
        ? [
            {
              type: 'MemberBusinessRoleChanged',
              data: { ...ref, from: state.businessRole, to: pending.to, ...answer },
            },
          ]
        : [
            {
              type: 'MemberAssetPermissionsChanged',
              data: {
                ...ref,
                assetId: pending.assetId,
                from: state.assets[pending.assetId] ?? [],
                to: pending.to,
                ...answer,
              },
            },
          ];
    }
  }
}

function observe(
  memberId: string,
  integrationId: string,
  observed: ObservedMember,
  state: MemberState,
): MemberEvent[] {
  const assets = normalizeGrants(observed.assets);
  const personal = { name: observed.name, email: observed.email };
  if (!state.present) {
    return [
      {
        type: 'MemberDiscovered',
        data: {
          memberId,
          integrationId,
          pinterestUserId: observed.pinterestUserId,
          personal,
          businessRole: observed.businessRole,
          assets,
        },
      },
    ];
  }
  const events: MemberEvent[] = [];
  const ref = { memberId, integrationId };
  // An erased person stays erased: their key is gone, so what a check sees of them again would
  // only be written as `erased-<id>` once more, on every check. Their access is still followed.
  const erased = state.email.startsWith(ERASED_PREFIX);
  if (!erased && (state.name !== personal.name || state.email !== personal.email)) {
    events.push({ type: 'MemberProfileChanged', data: { ...ref, personal } });
  }
  if (state.businessRole !== observed.businessRole) {
    events.push({
      type: 'MemberBusinessRoleChanged',
      data: { ...ref, from: state.businessRole, to: observed.businessRole },
    });
  }
  for (const change of diffGrants(state.assets, assets)) {
    events.push({ type: 'MemberAssetPermissionsChanged', data: { ...ref, ...change } });
  }
  return events;
}

function observeInvite(
  joined: boolean,
  invite: ObservedInvite | null,
  state: MemberState,
): MemberEvent[] {
  if (
    !state.invite ||
    state.invite.status !== 'pending_invite_claim' ||
    !state.memberId ||
    !state.integrationId
  )
    return [];
  const ref = {
    memberId: state.memberId,
    integrationId: state.integrationId,
    email: state.invite.email,
  };
  if (joined || invite?.status === 'ACCEPTED') return [{ type: 'MemberInviteClaimed', data: ref }];
  if (
    invite &&
    (invite.status === 'DECLINED' || invite.status === 'CANCELLED' || invite.status === 'EXPIRED')
  ) {
    return [{ type: 'MemberInviteExpired', data: { ...ref, status: invite.status } }];
  }
  return [];
}

function autoMatch(candidates: readonly string[], rule: string, state: MemberState): MemberEvent[] {
  // Exempted members are kept unmanaged on purpose: never matched automatically.
  if (!state.present || state.match || state.exempted || !state.memberId || !state.integrationId)
    return [];
  const ref = { memberId: state.memberId, integrationId: state.integrationId };
  const distinct = [...new Set(candidates)].sort();
  if (distinct.length === 1) {
    return [
      { type: 'MemberMatched', data: { ...ref, identityId: distinct[0], how: 'auto', rule } },
    ];
  }
  if (distinct.length > 1) {
    const same =
      state.ambiguousCandidates !== null &&
      state.ambiguousCandidates.length === distinct.length &&
      state.ambiguousCandidates.every((c, i) => c === distinct[i]);
    return same
      ? []
      : [{ type: 'MemberMatchAmbiguous', data: { ...ref, candidates: distinct, rule } }];
  }
  return state.ambiguousCandidates ? [{ type: 'MemberAmbiguityCleared', data: ref }] : [];
}

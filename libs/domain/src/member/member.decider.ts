import type { Decider } from '../shared/decider';
import { deterministicId } from '../shared/ids';
import { type AssetGrants, type BusinessRole, diffGrants, normalizeGrants, type ObservedMember } from '../pinterest/business';
import type { MatchHow, MemberEvent } from './member.events';

/** A member is one Pinterest person inside one integration (business). */
export function memberIdFor(integrationId: string, pinterestUserId: string): string {
  return deterministicId('member', integrationId, pinterestUserId);
}

export type MemberCommand =
  | { type: 'ObserveMember'; memberId: string; integrationId: string; observed: ObservedMember }
  | { type: 'ObserveMemberGone'; memberId: string }
  /** Candidates: the active identities whose emails equal the member's (normalised). */
  | { type: 'AutoMatch'; candidates: readonly string[]; rule: string };

export interface MemberState {
  memberId: string | null;
  integrationId: string | null;
  present: boolean;
  pinterestUserId: string | null;
  name: string;
  email: string;
  businessRole: BusinessRole;
  assets: AssetGrants;
  match: { identityId: string; how: MatchHow; rule: string } | null;
  ambiguousCandidates: string[] | null;
  exempted: boolean;
}

const initialState: MemberState = {
  memberId: null,
  integrationId: null,
  present: false,
  pinterestUserId: null,
  name: '',
  email: '',
  businessRole: 'employee',
  assets: {},
  match: null,
  ambiguousCandidates: null,
  exempted: false,
};

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
          pinterestUserId: event.data.pinterestUserId,
          name: event.data.personal.name,
          email: event.data.personal.email,
          businessRole: event.data.businessRole,
          assets: event.data.assets,
        };
      case 'MemberProfileChanged':
        return { ...state, name: event.data.personal.name, email: event.data.personal.email };
      case 'MemberBusinessRoleChanged':
        return { ...state, businessRole: event.data.to };
      case 'MemberAssetPermissionsChanged': {
        const assets = { ...state.assets };
        if (event.data.to.length > 0) assets[event.data.assetId] = event.data.to;
        else delete assets[event.data.assetId];
        return { ...state, assets };
      }
      case 'MemberLeftBusiness':
        return { ...state, present: false, assets: {} };
      case 'MemberMatched':
        return {
          ...state,
          match: { identityId: event.data.identityId, how: event.data.how, rule: event.data.rule },
          ambiguousCandidates: null,
        };
      case 'MemberMatchAmbiguous':
        return { ...state, ambiguousCandidates: event.data.candidates };
      case 'MemberAmbiguityCleared':
        return { ...state, ambiguousCandidates: null };
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
    }
  },
};

function observe(memberId: string, integrationId: string, observed: ObservedMember, state: MemberState): MemberEvent[] {
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
  if (state.name !== personal.name || state.email !== personal.email) {
    events.push({ type: 'MemberProfileChanged', data: { ...ref, personal } });
  }
  if (state.businessRole !== observed.businessRole) {
    events.push({ type: 'MemberBusinessRoleChanged', data: { ...ref, from: state.businessRole, to: observed.businessRole } });
  }
  for (const change of diffGrants(state.assets, assets)) {
    events.push({ type: 'MemberAssetPermissionsChanged', data: { ...ref, ...change } });
  }
  return events;
}

function autoMatch(candidates: readonly string[], rule: string, state: MemberState): MemberEvent[] {
  // Exempted members are kept unmanaged on purpose: never matched automatically.
  if (!state.present || state.match || state.exempted || !state.memberId || !state.integrationId) return [];
  const ref = { memberId: state.memberId, integrationId: state.integrationId };
  const distinct = [...new Set(candidates)].sort();
  if (distinct.length === 1) {
    return [{ type: 'MemberMatched', data: { ...ref, identityId: distinct[0], how: 'auto', rule } }];
  }
  if (distinct.length > 1) {
    const same =
      state.ambiguousCandidates !== null &&
      state.ambiguousCandidates.length === distinct.length &&
      state.ambiguousCandidates.every((c, i) => c === distinct[i]);
    return same ? [] : [{ type: 'MemberMatchAmbiguous', data: { ...ref, candidates: distinct, rule } }];
  }
  return state.ambiguousCandidates ? [{ type: 'MemberAmbiguityCleared', data: ref }] : [];
}

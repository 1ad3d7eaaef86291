import type { Decider } from '../shared/decider';
import { Conflict, InvalidCommand, NotFound, WrongState } from '../shared/errors';
import { normalizeEmail } from '../shared/ids';
import { hasUnsafeCharacters, UNSAFE_TEXT_MESSAGE } from '../shared/text';
import { futureInstant, isDue } from '../shared/time';
import {
  checkAttributes,
  diffAttributes,
  type IdentityAttributes,
  type IdentityPersonalData,
} from './identity.attributes';
import type { EndGuest, IdentityCommand, InviteGuest } from './identity.commands';
import type { GuestKind, IdentityEvent } from './identity.events';
import { applyPatch } from './scim-patch';

/** What makes an identity a guest: who vouches for it, and until when. */
export interface GuestTerms {
  kind: GuestKind;
  sponsorIdentityId: string;
  expiresAt: string;
}

export interface IdentityState {
  identityId: string | null;
  workspaceId: string | null;
  /** null until provisioned. */
  attributes: IdentityAttributes | null;
  /** Deleted by SCIM DELETE: no longer served or changed, still in the log. */
  deleted: boolean;
  /** Set for a guest or local partner invited by an admin; null for the IdP's users. */
  guest: GuestTerms | null;
}

const initialState: IdentityState = {
  identityId: null,
  workspaceId: null,
  attributes: null,
  deleted: false,
  guest: null,
};

/** A user of the IdP, for SCIM: a guest is not the IdP's to see or change. */
function existing(state: IdentityState, command: IdentityCommand): IdentityAttributes {
  if (
    !state.attributes ||
    state.deleted ||
    state.guest ||
    state.workspaceId !== command.workspaceId
  ) {
    throw new NotFound(`identity ${command.identityId} not found`, {
      identityId: command.identityId,
    });
  }
  return state.attributes;
}

/** The events that take an identity from one set of attributes to another; none if equal. */
function transition(
  state: IdentityState,
  before: IdentityAttributes,
  after: IdentityAttributes,
): IdentityEvent[] {
  const ref = { identityId: state.identityId ?? '', workspaceId: state.workspaceId ?? '' };
  const events: IdentityEvent[] = [];
  const { changed, externalId, personal } = diffAttributes(before, after);
  if (changed.length > 0) {
    events.push({
      type: 'IdentityUpdated',
      data: {
        ...ref,
        changed,
        ...(externalId !== undefined ? { externalId } : {}),
        ...(personal !== undefined ? { personal } : {}),
      },
    });
  }
  // Attributes first: a consumer reacting to the status change sees the new emails already.
  if (before.active && !after.active) {
    events.push({ type: 'IdentityDeprovisioned', data: { ...ref, reason: 'deactivated' } });
  } else if (!before.active && after.active) {
    events.push({ type: 'IdentityReactivated', data: ref });
  }
  return events;
}

export const identityDecider: Decider<IdentityCommand, IdentityEvent, IdentityState> = {
  initialState,

  evolve(state, event) {
    switch (event.type) {
      case 'IdentityProvisioned': {
        const { identityId, workspaceId, externalId, active, personal } = event.data;
        return {
          identityId,
          workspaceId,
          attributes: { externalId, active, personal },
          deleted: false,
          guest: null,
        };
      }
      case 'GuestIdentityInvited': {
        const { identityId, workspaceId, personal, kind, sponsorIdentityId, expiresAt } =
          event.data;
        return {
          identityId,
          workspaceId,
          attributes: { externalId: null, active: true, personal },
          deleted: false,
          guest: { kind, sponsorIdentityId, expiresAt },
        };
      }
      case 'IdentityUpdated': {
        if (!state.attributes) return state;
        const { externalId, personal } = event.data;
        return {
          ...state,
          attributes: {
            ...state.attributes,
            externalId: externalId !== undefined ? externalId : state.attributes.externalId,
            personal: { ...state.attributes.personal, ...personal },
          },
        };
      }
      case 'IdentityDeprovisioned':
        if (!state.attributes) return state;
        return {
          ...state,
          attributes: { ...state.attributes, active: false },
          deleted: state.deleted || event.data.reason === 'deleted',
        };
      case 'IdentityReactivated':
        if (!state.attributes) return state;
        return { ...state, attributes: { ...state.attributes, active: true } };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ProvisionIdentity': {
        if (state.identityId !== null) {
          throw new Conflict(`identity ${command.identityId} already exists`, {
            identityId: command.identityId,
          });
        }
        const { externalId, active, personal } = checkAttributes({
          externalId: command.user.externalId,
          active: command.user.active ?? true,
          personal: command.user.personal,
        });
        return [
          {
            type: 'IdentityProvisioned',
            data: {
              identityId: command.identityId,
              workspaceId: command.workspaceId,
              externalId,
              active,
              personal,
            },
          },
        ];
      }
      case 'ReplaceIdentity': {
        const before = existing(state, command);
        const after = checkAttributes({
          externalId: command.user.externalId,
          active: command.user.active ?? before.active,
          personal: command.user.personal,
        });
        return transition(state, before, after);
      }
      case 'PatchIdentity': {
        const before = existing(state, command);
        return transition(state, before, applyPatch(before, command.operations));
      }
      case 'DeleteIdentity': {
        existing(state, command);
        const ref = { identityId: command.identityId, workspaceId: command.workspaceId };
        return [{ type: 'IdentityDeprovisioned', data: { ...ref, reason: 'deleted' } }];
      }
      case 'InviteGuest':
        return inviteGuest(command, state);
      case 'EndGuest':
        return endGuest(command, state);
    }
  },
};

const GUEST_KINDS: readonly GuestKind[] = ['guest', 'local_partner'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NAME = 200;

function invalid(field: string, message: string): never {
  throw new InvalidCommand(`${field} ${message}`, { field });
}

function inviteGuest(command: InviteGuest, state: IdentityState): IdentityEvent[] {
  if (state.identityId !== null) {
    throw new Conflict(`identity ${command.identityId} already exists`, {
      identityId: command.identityId,
    });
  }
  const { guest } = command;
  const name = guest.name.trim();
  if (name === '' || name.length > MAX_NAME) invalid('name', `must be 1-${MAX_NAME} characters`);
  if (hasUnsafeCharacters(name)) invalid('name', UNSAFE_TEXT_MESSAGE);
  const email = guest.email.trim();
  if (!EMAIL.test(normalizeEmail(email)) || hasUnsafeCharacters(email)) {
    invalid('email', 'must be an email address');
  }
  if (!GUEST_KINDS.includes(guest.kind)) invalid('kind', 'must be "guest" or "local_partner"');
  if (!command.sponsor) {
    invalid('sponsorIdentityId', 'must be the id of an identity of this workspace');
  }
  if (!command.sponsor.active) invalid('sponsorIdentityId', 'must be an active identity');
  const expiresAt = futureInstant(guest.expiresAt, command.now, 'expiresAt');
  const personal: IdentityPersonalData = {
    userName: email,
    name: { givenName: null, familyName: null, formatted: name },
    displayName: name,
    emails: [{ value: email, type: null, primary: true }],
  };
  return [
    {
      type: 'GuestIdentityInvited',
      data: {
        identityId: command.identityId,
        workspaceId: command.workspaceId,
        kind: guest.kind,
        sponsorIdentityId: guest.sponsorIdentityId,
        expiresAt,
        personal,
      },
    },
  ];
}

/** An admin's request is answered (404, 409); the system's sweeps and sagas find nothing to do. */
function endGuest(command: EndGuest, state: IdentityState): IdentityEvent[] {
  const byAdmin = command.reason === 'guest_ended';
  const { guest, attributes } = state;
  if (!guest || !attributes || state.deleted || state.workspaceId !== command.workspaceId) {
    if (byAdmin) {
      throw new NotFound(`guest ${command.identityId} not found`, {
        identityId: command.identityId,
      });
    }
    return [];
  }
  if (!attributes.active) {
    if (byAdmin) throw new WrongState('the guest has already ended', { state: 'ended' });
    return [];
  }
  if (command.reason === 'guest_expired' && !isDue(guest.expiresAt, command.now)) return [];
  if (command.reason === 'sponsor_left' && command.sponsorIdentityId !== guest.sponsorIdentityId)
    return [];
  return [
    {
      type: 'IdentityDeprovisioned',
      data: {
        identityId: command.identityId,
        workspaceId: command.workspaceId,
        reason: command.reason,
      },
    },
  ];
}

import type { Decider } from '../shared/decider';
import { Conflict, NotFound } from '../shared/errors';
import { checkAttributes, diffAttributes, type IdentityAttributes } from './identity.attributes';
import type { IdentityCommand } from './identity.commands';
import type { IdentityEvent } from './identity.events';
import { applyPatch } from './scim-patch';

export interface IdentityState {
  identityId: string | null;
  workspaceId: string | null;
  /** null until provisioned. */
  attributes: IdentityAttributes | null;
  /** Deleted by SCIM DELETE: no longer served or changed, still in the log. */
  deleted: boolean;
}

const initialState: IdentityState = {
  identityId: null,
  workspaceId: null,
  attributes: null,
  deleted: false,
};

function existing(state: IdentityState, command: IdentityCommand): IdentityAttributes {
  if (!state.attributes || state.deleted || state.workspaceId !== command.workspaceId) {
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
    }
  },
};

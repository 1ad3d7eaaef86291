import type { Decider } from '../shared/decider';
import { InvalidCommand, WrongState } from '../shared/errors';
import { hasUnsafeCharacters, UNSAFE_TEXT_MESSAGE } from '../shared/text';
import type { CredentialKind, WorkspaceEvent } from './workspace.events';

export type WorkspaceCommand =
  | { type: 'CreateWorkspace'; workspaceId: string; name: string }
  | {
      type: 'IssueCredential';
      credentialId: string;
      kind: CredentialKind;
      name: string;
      secretHash: string;
    }
  | { type: 'RevokeCredential'; credentialId: string };

export const WORKSPACE_NAME_MAX = 100;

export interface WorkspaceState {
  workspaceId: string | null;
  name: string | null;
  /** secretHash → credential id, for the active credentials. */
  credentials: Map<string, { credentialId: string; kind: CredentialKind }>;
}

export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = {
  initialState: { workspaceId: null, name: null, credentials: new Map() },

  evolve(state, event) {
    switch (event.type) {
      case 'WorkspaceCreated':
        return { ...state, workspaceId: event.data.workspaceId, name: event.data.name };
      case 'CredentialIssued': {
        const credentials = new Map(state.credentials);
        credentials.set(event.data.secretHash, {
          credentialId: event.data.credentialId,
          kind: event.data.kind,
        });
        return { ...state, credentials };
      }
      case 'CredentialRevoked': {
        const credentials = new Map(
          [...state.credentials].filter(([, c]) => c.credentialId !== event.data.credentialId),
        );
        return { ...state, credentials };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateWorkspace': {
        const name = command.name.trim();
        // The name shows in every list an operator reads: it must read as what it is.
        if (!name || name.length > WORKSPACE_NAME_MAX)
          throw new InvalidCommand(`name must be 1–${WORKSPACE_NAME_MAX} characters`, {
            field: 'name',
          });
        if (hasUnsafeCharacters(name))
          throw new InvalidCommand(`name ${UNSAFE_TEXT_MESSAGE}`, { field: 'name' });
        // The same workspace created again (a restart's bootstrap) is already there; another
        // name for an existing id is a different request that does not fit.
        if (state.workspaceId) {
          if (state.name === name) return [];
          throw new WrongState(`workspace ${state.workspaceId} already exists`, {
            state: { workspaceId: state.workspaceId, name: state.name },
          });
        }
        return [
          {
            type: 'WorkspaceCreated',
            data: { workspaceId: command.workspaceId, name },
          },
        ];
      }
      case 'IssueCredential': {
        if (!state.workspaceId) throw new WrongState('workspace does not exist');
        // The same secret twice (a restart with the same ADMIN_API_KEY) is already issued.
        if (state.credentials.has(command.secretHash)) return [];
        return [
          {
            type: 'CredentialIssued',
            data: {
              workspaceId: state.workspaceId,
              credentialId: command.credentialId,
              kind: command.kind,
              name: command.name,
              secretHash: command.secretHash,
            },
          },
        ];
      }
      case 'RevokeCredential': {
        if (!state.workspaceId) throw new WrongState('workspace does not exist');
        const known = [...state.credentials.values()].some(
          (c) => c.credentialId === command.credentialId,
        );
        if (!known) return [];
        return [
          {
            type: 'CredentialRevoked',
            data: { workspaceId: state.workspaceId, credentialId: command.credentialId },
          },
        ];
      }
    }
  },
};

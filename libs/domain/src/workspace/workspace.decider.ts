import type { Decider } from '../shared/decider';
import { WrongState } from '../shared/errors';
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

export interface WorkspaceState {
  workspaceId: string | null;
  /** secretHash → credential id, for the active credentials. */
  credentials: Map<string, { credentialId: string; kind: CredentialKind }>;
}

export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = {
  initialState: { workspaceId: null, credentials: new Map() },

  evolve(state, event) {
    switch (event.type) {
      case 'WorkspaceCreated':
        return { ...state, workspaceId: event.data.workspaceId };
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
      case 'CreateWorkspace':
        if (state.workspaceId) return [];
        return [
          {
            type: 'WorkspaceCreated',
            data: { workspaceId: command.workspaceId, name: command.name },
          },
        ];
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

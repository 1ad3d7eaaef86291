import type { Decider } from '../shared/decider';
import { InvalidCommand, NotFound, WrongState } from '../shared/errors';
import { hasUnsafeCharacters, UNSAFE_TEXT_MESSAGE } from '../shared/text';
import type {
  CredentialHashScheme,
  CredentialIssued,
  CredentialKind,
  CredentialOrigin,
  CredentialPerson,
  CredentialRole,
  WorkspaceEvent,
} from './workspace.events';

export interface NewCredential {
  credentialId: string;
  secretHash: string;
  hashScheme?: CredentialHashScheme;
}

/** A credential as a command issues it. */
export type CredentialFields = {
  kind: CredentialKind;
  name: string;
  role?: CredentialRole;
  person?: CredentialPerson;
  origin?: CredentialOrigin;
} & NewCredential;

export type WorkspaceCommand =
  | {
      type: 'CreateWorkspace';
      workspaceId: string;
      name: string;
      /** Issued in the same decision, so one append: a workspace never exists without them. */
      credentials?: CredentialFields[];
    }
  | ({ type: 'IssueCredential' } & CredentialFields)
  | {
      type: 'RevokeCredential';
      credentialId: string;
      /** When given, a credential of another kind is as unknown as a missing one. */
      kind?: CredentialKind;
    }
  | {
      type: 'RotateCredential';
      credentialId: string;
      kind?: CredentialKind;
      replacement: NewCredential;
      /** Until when the old secret still works; null: it stops now. Decided by the caller's clock. */
      expiresAt: string | null;
    };

export interface CredentialState {
  credentialId: string;
  kind: CredentialKind;
  name: string;
  secretHash: string;
  role?: CredentialRole;
  person?: CredentialPerson;
  origin?: CredentialOrigin;
  revoked: boolean;
  /** Set once rotated: the end of its grace. */
  expiresAt: string | null;
}

export const WORKSPACE_NAME_MAX = 100;

export interface WorkspaceState {
  workspaceId: string | null;
  name: string | null;
  /** Every credential ever issued, by id; revoked ones stay (an id names one credential forever). */
  credentials: Map<string, CredentialState>;
}

function usable(c: CredentialState): boolean {
  return !c.revoked && c.expiresAt === null;
}

function issued(
  workspaceId: string,
  c: Omit<CredentialIssued['data'], 'workspaceId'>,
): CredentialIssued {
  const data: CredentialIssued['data'] = {
    workspaceId,
    credentialId: c.credentialId,
    kind: c.kind,
    name: c.name,
    secretHash: c.secretHash,
  };
  // Optional fields only when present: older events had none, and replays compare them.
  if (c.hashScheme) data.hashScheme = c.hashScheme;
  if (c.role) data.role = c.role;
  if (c.person) data.person = { email: c.person.email, name: c.person.name };
  if (c.origin) data.origin = c.origin;
  if (c.replaces) data.replaces = c.replaces;
  return { type: 'CredentialIssued', data };
}

export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = {
  initialState: { workspaceId: null, name: null, credentials: new Map() },

  evolve(state, event) {
    switch (event.type) {
      case 'WorkspaceCreated':
        return { ...state, workspaceId: event.data.workspaceId, name: event.data.name };
      case 'CredentialIssued': {
        const d = event.data;
        const credentials = new Map(state.credentials);
        credentials.set(d.credentialId, {
          credentialId: d.credentialId,
          kind: d.kind,
          name: d.name,
          secretHash: d.secretHash,
          role: d.role,
          person: d.person,
          origin: d.origin,
          revoked: false,
          expiresAt: null,
        });
        return { ...state, credentials };
      }
      case 'CredentialRevoked':
      case 'CredentialRotated': {
        const current = state.credentials.get(event.data.credentialId);
        if (!current) return state;
        const credentials = new Map(state.credentials);
        credentials.set(
          current.credentialId,
          event.type === 'CredentialRevoked'
            ? { ...current, revoked: true }
            : { ...current, expiresAt: event.data.expiresAt },
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
          ...(command.credentials ?? []).map((c) => issued(command.workspaceId, c)),
        ];
      }
      case 'IssueCredential': {
        if (!state.workspaceId) throw new WrongState('workspace does not exist');
        // The same secret twice (a restart with the same ADMIN_API_KEY) is already issued; one
        // rotated away and in its grace is not (the variable still names it: it comes back).
        for (const c of state.credentials.values()) {
          if (c.secretHash === command.secretHash && !c.revoked && c.expiresAt === null) return [];
        }
        const known = state.credentials.get(command.credentialId);
        // A revoked id comes back only for the same secret (ADMIN_API_KEY set back to a former value).
        if (known && known.secretHash !== command.secretHash) {
          throw new WrongState(`credential ${command.credentialId} already exists`);
        }
        return [
          issued(state.workspaceId, {
            credentialId: command.credentialId,
            kind: command.kind,
            name: command.name,
            secretHash: command.secretHash,
            hashScheme: command.hashScheme,
            role: command.role,
            person: command.person,
            origin: command.origin,
          }),
        ];
      }
      case 'RevokeCredential': {
        if (!state.workspaceId) throw new WrongState('workspace does not exist');
        const credential = state.credentials.get(command.credentialId);
        if (!credential || (command.kind && credential.kind !== command.kind))
          throw new NotFound(`credential ${command.credentialId} not found`);
        if (credential.revoked) return [];
        return [
          {
            type: 'CredentialRevoked',
            data: { workspaceId: state.workspaceId, credentialId: command.credentialId },
          },
        ];
      }
      case 'RotateCredential': {
        if (!state.workspaceId) throw new WrongState('workspace does not exist');
        const old = state.credentials.get(command.credentialId);
        if (!old || (command.kind && old.kind !== command.kind))
          throw new NotFound(`credential ${command.credentialId} not found`);
        if (!usable(old)) {
          throw new WrongState(
            `credential ${command.credentialId} is ${old.revoked ? 'revoked' : 'already rotated'}`,
            { state: old.revoked ? 'revoked' : 'rotated' },
          );
        }
        if (state.credentials.has(command.replacement.credentialId)) {
          throw new WrongState(`credential ${command.replacement.credentialId} already exists`);
        }
        const next = issued(state.workspaceId, {
          credentialId: command.replacement.credentialId,
          kind: old.kind,
          name: old.name,
          secretHash: command.replacement.secretHash,
          hashScheme: command.replacement.hashScheme,
          // A key from before roles was an admin key, and its replacement stays one.
          role: old.role ?? (old.kind === 'api_key' ? 'admin' : undefined),
          person: old.person,
          replaces: old.credentialId,
        });
        return [
          next,
          command.expiresAt === null
            ? {
                type: 'CredentialRevoked',
                data: { workspaceId: state.workspaceId, credentialId: old.credentialId },
              }
            : {
                type: 'CredentialRotated',
                data: {
                  workspaceId: state.workspaceId,
                  credentialId: old.credentialId,
                  replacedBy: command.replacement.credentialId,
                  expiresAt: command.expiresAt,
                },
              },
        ];
      }
    }
  },
};

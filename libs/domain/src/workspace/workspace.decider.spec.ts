import { fold } from '../shared/decider';
import { InvalidCommand, WrongState } from '../shared/errors';
import { workspaceDecider as d } from './workspace.decider';
import type { WorkspaceEvent } from './workspace.events';

const created: WorkspaceEvent = {
  type: 'WorkspaceCreated',
  data: { workspaceId: 'w1', name: 'Acme' },
};
const issued: WorkspaceEvent = {
  type: 'CredentialIssued',
  data: { workspaceId: 'w1', credentialId: 'k1', kind: 'api_key', name: 'admin', secretHash: 'h1' },
};

describe('workspace decider', () => {
  it('given no workspace, when created, then WorkspaceCreated', () => {
    expect(
      d.decide({ type: 'CreateWorkspace', workspaceId: 'w1', name: 'Acme' }, d.initialState),
    ).toEqual([created]);
  });

  it('given a workspace, when created again, then nothing happens', () => {
    expect(
      d.decide({ type: 'CreateWorkspace', workspaceId: 'w1', name: 'Acme' }, fold(d, [created])),
    ).toEqual([]);
  });

  it('given no workspace, when created with a name padded by spaces, then the name is recorded trimmed', () => {
    expect(
      d.decide({ type: 'CreateWorkspace', workspaceId: 'w1', name: '  Acme ' }, d.initialState),
    ).toEqual([created]);
  });

  it('given no workspace, when created with an empty, overlong or unsafe name, then it is refused naming the field', () => {
    for (const name of ['', '   ', 'x'.repeat(101), 'Acme\u202e', 'line\nbreak']) {
      let thrown: unknown;
      try {
        d.decide({ type: 'CreateWorkspace', workspaceId: 'w1', name }, d.initialState);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidCommand);
      expect((thrown as InvalidCommand).details).toEqual({ field: 'name' });
    }
  });

  it('given a workspace, when created again under another name, then it is refused and nothing is recorded', () => {
    expect(() =>
      d.decide({ type: 'CreateWorkspace', workspaceId: 'w1', name: 'Other' }, fold(d, [created])),
    ).toThrow(WrongState);
  });

  it('given a created workspace, when an admin key and a SCIM token are issued, then both are recorded on it', () => {
    const state = fold(d, [created]);
    const key = d.decide(
      {
        type: 'IssueCredential',
        credentialId: 'k1',
        kind: 'api_key',
        name: 'admin',
        secretHash: 'h1',
      },
      state,
    );
    const scim = d.decide(
      {
        type: 'IssueCredential',
        credentialId: 's1',
        kind: 'scim_token',
        name: 'scim',
        secretHash: 'h2',
      },
      fold(d, [created, ...key]),
    );
    expect([...key, ...scim]).toEqual([
      issued,
      {
        type: 'CredentialIssued',
        data: {
          workspaceId: 'w1',
          credentialId: 's1',
          kind: 'scim_token',
          name: 'scim',
          secretHash: 'h2',
        },
      },
    ]);
  });

  it('given no workspace, when a credential is issued, then it is refused', () => {
    expect(() =>
      d.decide(
        {
          type: 'IssueCredential',
          credentialId: 'k1',
          kind: 'api_key',
          name: 'admin',
          secretHash: 'h1',
        },
        d.initialState,
      ),
    ).toThrow(WrongState);
  });

  it('given a credential with that hash, when issued again, then nothing happens', () => {
    const state = fold(d, [created, issued]);
    expect(
      d.decide(
        {
          type: 'IssueCredential',
          credentialId: 'k2',
          kind: 'api_key',
          name: 'other',
          secretHash: 'h1',
        },
        state,
      ),
    ).toEqual([]);
  });

  it('given an issued credential, when revoked, then CredentialRevoked and its hash is forgotten', () => {
    const state = fold(d, [created, issued]);
    const events = d.decide({ type: 'RevokeCredential', credentialId: 'k1' }, state);
    expect(events).toEqual([
      { type: 'CredentialRevoked', data: { workspaceId: 'w1', credentialId: 'k1' } },
    ]);
    expect(fold(d, [created, issued, ...events]).credentials.size).toBe(0);
  });
});

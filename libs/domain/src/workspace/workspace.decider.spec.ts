import { fold } from '../shared/decider';
import { WrongState } from '../shared/errors';
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

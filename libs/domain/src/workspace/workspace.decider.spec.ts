import { fold } from '../shared/decider';
import { InvalidCommand, NotFound, WrongState } from '../shared/errors';
import { workspaceDecider as d, type WorkspaceCommand } from './workspace.decider';
import type { WorkspaceEvent } from './workspace.events';

const created: WorkspaceEvent = {
  type: 'WorkspaceCreated',
  data: { workspaceId: 'w1', name: 'Acme' },
};
const legacy: WorkspaceEvent = {
  type: 'CredentialIssued',
  data: { workspaceId: 'w1', credentialId: 'k1', kind: 'api_key', name: 'admin', secretHash: 'h1' },
};
const person = { email: 'ada@acme.test', name: 'Ada Lovelace' };
const auditorKey: WorkspaceEvent = {
  type: 'CredentialIssued',
  data: {
    workspaceId: 'w1',
    credentialId: 'k2',
    kind: 'api_key',
    name: 'ada',
    secretHash: 'h2',
    hashScheme: 'hmac-sha256',
    role: 'auditor',
    person,
  },
};
const issue = (over: Partial<Extract<WorkspaceCommand, { type: 'IssueCredential' }>> = {}) =>
  ({
    type: 'IssueCredential',
    credentialId: 'k2',
    kind: 'api_key',
    name: 'ada',
    secretHash: 'h2',
    hashScheme: 'hmac-sha256',
    role: 'auditor',
    person,
    ...over,
  }) as const;
const rotate = (expiresAt: string | null): WorkspaceCommand => ({
  type: 'RotateCredential',
  credentialId: 'k2',
  replacement: { credentialId: 'k3', secretHash: 'h3', hashScheme: 'hmac-sha256' },
  expiresAt,
});

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
      legacy,
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

  it('given no workspace, when created with its credentials, then the workspace and each credential come in one decision (one append)', () => {
    const { type: _issue, ...fields } = issue();
    expect(
      d.decide(
        { type: 'CreateWorkspace', workspaceId: 'w1', name: 'Acme', credentials: [fields] },
        d.initialState,
      ),
    ).toEqual([created, auditorKey]);
  });

  it('given no workspace, when a credential is issued, then it is refused', () => {
    expect(() => d.decide(issue(), d.initialState)).toThrow(WrongState);
  });

  it('given a workspace, when a key is issued with a role and a person, then CredentialIssued carries them', () => {
    expect(d.decide(issue(), fold(d, [created]))).toEqual([auditorKey]);
  });

  it('given a credential with that hash, when issued again, then nothing happens', () => {
    const state = fold(d, [created, legacy]);
    expect(d.decide(issue({ secretHash: 'h1' }), state)).toEqual([]);
  });

  it('given a credential rotated away and in its grace, when its secret is issued again, then it is issued anew without an expiry', () => {
    const state = fold(d, [
      created,
      auditorKey,
      ...d.decide(rotate('2030-01-01T00:00:00.000Z'), fold(d, [created, auditorKey])),
    ]);
    const events = d.decide(issue(), state);
    expect(events).toEqual([auditorKey]);
    expect(fold(d, [created, auditorKey, ...events]).credentials.get('k2')?.expiresAt).toBeNull();
  });

  it('given a credential id in use for another secret, when issued, then it is refused', () => {
    const state = fold(d, [created, legacy]);
    expect(() => d.decide(issue({ credentialId: 'k1' }), state)).toThrow(WrongState);
  });

  it('given a revoked credential, when its same secret is issued again, then it is issued anew under its id', () => {
    const revoked: WorkspaceEvent = {
      type: 'CredentialRevoked',
      data: { workspaceId: 'w1', credentialId: 'k1' },
    };
    const state = fold(d, [created, legacy, revoked]);
    const events = d.decide(
      issue({ credentialId: 'k1', secretHash: 'h1', name: 'admin', role: 'admin' }),
      state,
    );
    expect(events).toHaveLength(1);
    expect(fold(d, [created, legacy, revoked, ...events]).credentials.get('k1')?.revoked).toBe(
      false,
    );
  });

  it('given an issued credential, when revoked, then CredentialRevoked and it is kept as revoked', () => {
    const state = fold(d, [created, legacy]);
    const events = d.decide({ type: 'RevokeCredential', credentialId: 'k1' }, state);
    expect(events).toEqual([
      { type: 'CredentialRevoked', data: { workspaceId: 'w1', credentialId: 'k1' } },
    ]);
    expect(fold(d, [created, legacy, ...events]).credentials.get('k1')?.revoked).toBe(true);
  });

  it('given a revoked credential, when revoked again, then nothing happens', () => {
    const revoked: WorkspaceEvent = {
      type: 'CredentialRevoked',
      data: { workspaceId: 'w1', credentialId: 'k1' },
    };
    expect(
      d.decide(
        { type: 'RevokeCredential', credentialId: 'k1' },
        fold(d, [created, legacy, revoked]),
      ),
    ).toEqual([]);
  });

  it('given no such credential, when revoked or rotated, then NotFound', () => {
    const state = fold(d, [created]);
    expect(() => d.decide({ type: 'RevokeCredential', credentialId: 'nope' }, state)).toThrow(
      NotFound,
    );
    expect(() => d.decide(rotate(null), state)).toThrow(NotFound);
  });

  it('given a key, when rotated without grace, then a replacement with its name, role and person, and the old one revoked', () => {
    const events = d.decide(rotate(null), fold(d, [created, auditorKey]));
    expect(events).toEqual([
      {
        type: 'CredentialIssued',
        data: {
          workspaceId: 'w1',
          credentialId: 'k3',
          kind: 'api_key',
          name: 'ada',
          secretHash: 'h3',
          hashScheme: 'hmac-sha256',
          role: 'auditor',
          person,
          replaces: 'k2',
        },
      },
      { type: 'CredentialRevoked', data: { workspaceId: 'w1', credentialId: 'k2' } },
    ]);
  });

  it('given a key, when rotated with a grace, then CredentialRotated says until when the old one works', () => {
    const events = d.decide(rotate('2026-12-06T12:00:30.000Z'), fold(d, [created, auditorKey]));
    expect(events[1]).toEqual({
      type: 'CredentialRotated',
      data: {
        workspaceId: 'w1',
        credentialId: 'k2',
        replacedBy: 'k3',
        expiresAt: '2026-12-06T12:00:30.000Z',
      },
    });
    const state = fold(d, [created, auditorKey, ...events]);
    expect(state.credentials.get('k2')?.expiresAt).toBe('2026-12-06T12:00:30.000Z');
    // and a rotated key cannot be rotated again; its replacement can
    expect(() => d.decide(rotate(null), state)).toThrow(WrongState);
  });

  it('given a legacy key (no role), when rotated, then the replacement is an admin key with a peppered hash', () => {
    const events = d.decide(
      {
        type: 'RotateCredential',
        credentialId: 'k1',
        replacement: { credentialId: 'k9', secretHash: 'h9', hashScheme: 'hmac-sha256' },
        expiresAt: null,
      },
      fold(d, [created, legacy]),
    );
    expect(events[0]).toMatchObject({
      type: 'CredentialIssued',
      data: { credentialId: 'k9', role: 'admin', hashScheme: 'hmac-sha256', replaces: 'k1' },
    });
  });

  it('given a revoked key, when rotated, then it is refused', () => {
    const revoked: WorkspaceEvent = {
      type: 'CredentialRevoked',
      data: { workspaceId: 'w1', credentialId: 'k2' },
    };
    expect(() => d.decide(rotate(null), fold(d, [created, auditorKey, revoked]))).toThrow(
      WrongState,
    );
  });
});

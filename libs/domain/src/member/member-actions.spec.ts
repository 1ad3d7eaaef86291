import { fold } from '../shared/decider';
import { WrongState } from '../shared/errors';
import type { ObservedMember } from '../pinterest/business';
import { type MemberCommand, memberDecider as d, type MemberState } from './member.decider';
import type { MemberEvent } from './member.events';

const observed: ObservedMember = {
  pinterestUserId: 'p1',
  name: 'Ann',
  email: 'ann@x.example',
  businessRole: 'employee',
  assets: { a1: ['ADMIN'] },
};
const history: MemberEvent[] = d.decide(
  { type: 'ObserveMember', memberId: 'm1', integrationId: 'i1', observed },
  d.initialState,
);
const given = (...more: MemberEvent[]): MemberState => fold(d, [...history, ...more]);
const when = (state: MemberState, command: MemberCommand): MemberEvent[] =>
  d.decide(command, state);
const ref = { memberId: 'm1', integrationId: 'i1' };
const failure = { kind: 'permission_denied', message: 'no', evidence: ['/e/1.png'] };

describe('member actions', () => {
  it('given an unmatched member, when exempted, then MemberExempted; exempting again is refused', () => {
    const events = when(given(), { type: 'ExemptMember', reason: 'break-glass account' });
    expect(events).toEqual([
      { type: 'MemberExempted', data: { ...ref, reason: 'break-glass account' } },
    ]);
    expect(() => when(given(...events), { type: 'ExemptMember', reason: 'again' })).toThrow(
      WrongState,
    );
  });

  it('given an exempted member, when unexempted, then back to unmatched and auto-matchable', () => {
    const exempted = { type: 'MemberExempted', data: { ...ref, reason: 'r' } } as const;
    expect(
      when(given(exempted), { type: 'AutoMatch', candidates: ['id1'], rule: 'email' }),
    ).toEqual([]);
    const unexempted = when(given(exempted), { type: 'UnexemptMember' });
    expect(unexempted).toEqual([{ type: 'MemberUnexempted', data: ref }]);
    expect(
      when(given(exempted, ...unexempted), {
        type: 'AutoMatch',
        candidates: ['id1'],
        rule: 'email',
      }),
    ).toHaveLength(1);
  });

  it('given an onboarded member, when exempted, then refused with the current state', () => {
    const matched = {
      type: 'MemberMatched',
      data: { ...ref, identityId: 'id1', how: 'auto', rule: 'email' },
    } as const;
    try {
      when(given(matched), { type: 'ExemptMember', reason: 'x' });
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(WrongState);
      expect((error as WrongState).details).toMatchObject({ state: 'onboarded' });
    }
  });

  it('given an identity not on the business, when matched manually, then matched and an invite is requested', () => {
    const events = when(given(), {
      type: 'MatchMember',
      identityId: 'id9',
      role: 'owner',
      identity: { active: true, email: 'ann.lee@corp.example' },
      alreadyOnBusiness: false,
      taskId: 't1',
    });
    expect(events.map((e) => e.type)).toEqual(['MemberMatched', 'MemberInviteRequested']);
    expect(events[1].data).toMatchObject({
      email: 'ann.lee@corp.example',
      businessRole: 'employee',
      taskId: 't1',
    });
    const state = given(...events);
    expect(state.invite?.status).toBe('inviting');
    const done = when(state, { type: 'CompleteAction', taskId: 't1', observed: 'invited' });
    expect(fold(d, [...history, ...events, ...done]).invite?.status).toBe('pending_invite_claim');
  });

  it('given a deprovisioned identity, when matched, then refused', () => {
    expect(() =>
      when(given(), {
        type: 'MatchMember',
        identityId: 'id9',
        role: 'collaborator',
        identity: { active: false, email: 'x@y.z' },
        alreadyOnBusiness: true,
        taskId: 't1',
      }),
    ).toThrow(/deprovisioned/);
  });

  it('given a removal in progress, when removed again, then refused as being removed', () => {
    const requested = when(given(), {
      type: 'RemoveMember',
      taskId: 't1',
      automationAccountEmail: null,
    });
    expect(requested).toEqual([{ type: 'MemberRemovalRequested', data: { ...ref, taskId: 't1' } }]);
    expect(() =>
      when(given(...requested), {
        type: 'RemoveMember',
        taskId: 't2',
        automationAccountEmail: null,
      }),
    ).toThrow(/being removed/);
  });

  it('given a removal, when attempts are recorded and it completes, then MemberRemoved revokes every asset once', () => {
    const requested = when(given(), {
      type: 'RemoveMember',
      taskId: 't1',
      automationAccountEmail: null,
    });
    const attempt = when(given(...requested), {
      type: 'RecordActionAttempt',
      taskId: 't1',
      attempt: 1,
    });
    expect(
      when(given(...requested, ...attempt), {
        type: 'RecordActionAttempt',
        taskId: 't1',
        attempt: 1,
      }),
    ).toEqual([]);
    const removed = when(given(...requested, ...attempt), {
      type: 'CompleteAction',
      taskId: 't1',
      observed: 'removed',
    });
    expect(removed).toEqual([
      {
        type: 'MemberRemoved',
        data: {
          ...ref,
          taskId: 't1',
          outcome: 'removed',
          businessRole: 'employee',
          revokedAssets: { a1: ['ADMIN'] },
        },
      },
    ]);
    const after = given(...requested, ...attempt, ...removed);
    expect(after).toMatchObject({ present: false, removedByUs: true, assets: {} });
    expect(when(after, { type: 'CompleteAction', taskId: 't1', observed: 'removed' })).toEqual([]);
    expect(() =>
      when(after, { type: 'RemoveMember', taskId: 't3', automationAccountEmail: null }),
    ).toThrow(/removed/);
  });

  it('given a removal that fails for good, then MemberRemovalFailed and the member can be retried', () => {
    const requested = when(given(), {
      type: 'RemoveMember',
      taskId: 't1',
      automationAccountEmail: null,
    });
    const attempt = when(given(...requested), {
      type: 'RecordActionAttempt',
      taskId: 't1',
      attempt: 1,
    });
    const failed = when(given(...requested, ...attempt), {
      type: 'FailAction',
      taskId: 't1',
      failure,
    });
    expect(failed).toEqual([
      { type: 'MemberRemovalFailed', data: { ...ref, taskId: 't1', attempts: 1, failure } },
    ]);
    const state = given(...requested, ...attempt, ...failed);
    expect(state.lastFailure).toBe('deprovisioning_failed');
    expect(
      when(state, { type: 'RemoveMember', taskId: 't2', automationAccountEmail: null }),
    ).toHaveLength(1);
  });

  it('given a role change request, when completed, then MemberBusinessRoleChanged; the same role is a no-op', () => {
    expect(
      when(given(), {
        type: 'ChangeBusinessRole',
        taskId: 't1',
        role: 'employee',
        automationAccountEmail: null,
      }),
    ).toEqual([]);
    const requested = when(given(), {
      type: 'ChangeBusinessRole',
      taskId: 't1',
      role: 'manager',
      automationAccountEmail: null,
    });
    const done = when(given(...requested), {
      type: 'CompleteAction',
      taskId: 't1',
      observed: 'changed',
    });
    expect(done).toEqual([
      {
        type: 'MemberBusinessRoleChanged',
        data: {
          ...ref,
          from: 'employee',
          to: 'manager',
          taskId: 't1',
          outcome: 'changed',
          afterInterruptedAttempt: false,
        },
      },
    ]);
    expect(given(...requested, ...done)).toMatchObject({ businessRole: 'manager', pending: null });
  });

  it('given a permissions change to nothing, when completed, then the asset is gone from the member', () => {
    const requested = when(given(), {
      type: 'ChangeAssetPermissions',
      taskId: 't1',
      assetId: 'a1',
      permissions: [],
      automationAccountEmail: null,
    });
    expect(requested[0].data).toMatchObject({ from: ['ADMIN'], to: [] });
    const done = when(given(...requested), {
      type: 'CompleteAction',
      taskId: 't1',
      observed: 'removed',
    });
    expect(given(...requested, ...done).assets).toEqual({});
  });

  it('given a pending invite, when a check sees the email join, then the invite is claimed', () => {
    const match = when(given(), {
      type: 'MatchMember',
      identityId: 'id9',
      role: 'owner',
      identity: { active: true, email: 'new@corp.example' },
      alreadyOnBusiness: false,
      taskId: 't1',
    });
    const invited = when(given(...match), {
      type: 'CompleteAction',
      taskId: 't1',
      observed: 'invited',
    });
    const state = given(...match, ...invited);
    expect(
      when(state, {
        type: 'ObserveInvite',
        joined: false,
        invite: { email: 'new@corp.example', role: 'employee', status: 'PENDING' },
      }),
    ).toEqual([]);
    expect(
      when(state, { type: 'ObserveInvite', joined: true, invite: null }).map((e) => e.type),
    ).toEqual(['MemberInviteClaimed']);
  });
});

import { fold } from '../shared/decider';
import type { ObservedMember } from '../pinterest/business';
import {
  type MemberCommand,
  memberDecider as d,
  type MemberState,
  taskOutcomeOf,
} from './member.decider';
import type { MemberEvent } from './member.events';
import { MEMBER_UPCASTERS } from './member.upcasters';

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
const ref = { memberId: 'm1', integrationId: 'i1' };

/** Replays the member's history, then decides each command in turn on the result. */
function run(...commands: MemberCommand[]): { events: MemberEvent[]; state: MemberState } {
  const events: MemberEvent[] = [];
  for (const command of commands)
    events.push(...d.decide(command, fold(d, [...history, ...events])));
  return { events, state: fold(d, [...history, ...events]) };
}
const attempts = (n: number): MemberCommand[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'RecordActionAttempt' as const,
    taskId: 't1',
    attempt: i + 1,
  }));
const removal: MemberCommand = { type: 'RemoveMember', taskId: 't1', automationAccountEmail: null };
const last = (events: MemberEvent[]): MemberEvent => events[events.length - 1];

describe('observed outcomes: when an "already done" counts as ours', () => {
  it('given a first attempt, when the person is already absent, then already_absent not after an interrupted attempt; the task says absent; not removed by us', () => {
    const { events, state } = run(removal, ...attempts(1), {
      type: 'CompleteAction',
      taskId: 't1',
      observed: 'already_absent',
    });
    expect(last(events)).toEqual({
      type: 'MemberRemoved',
      data: {
        ...ref,
        taskId: 't1',
        outcome: 'already_absent',
        afterInterruptedAttempt: false,
        businessRole: 'employee',
        revokedAssets: { a1: ['ADMIN'] },
      },
    });
    expect(taskOutcomeOf(last(events))).toBe('absent');
    expect(state).toMatchObject({ present: false, removedByUs: false });
  });

  it('given an interrupted attempt of ours, when the retry finds them absent, then already_absent after an interrupted attempt, which the task reports as removed', () => {
    const { events, state } = run(removal, ...attempts(2), {
      type: 'CompleteAction',
      taskId: 't1',
      observed: 'already_absent',
    });
    expect(last(events).data).toMatchObject({
      outcome: 'already_absent',
      afterInterruptedAttempt: true,
    });
    expect(taskOutcomeOf(last(events))).toBe('removed');
    expect(state.removedByUs).toBe(true);
  });

  it('given an interrupted attempt, when the page says someone else removed them, then that is recorded and it is not ours', () => {
    const { events, state } = run(removal, ...attempts(3), {
      type: 'CompleteAction',
      taskId: 't1',
      observed: 'already_absent',
      removedBy: 'boss@acme.example',
    });
    expect(last(events).data).toMatchObject({
      outcome: 'already_absent',
      afterInterruptedAttempt: true,
      removedBy: 'boss@acme.example',
    });
    expect(taskOutcomeOf(last(events))).toBe('absent');
    expect(state.removedByUs).toBe(false);
  });

  it('given an invite, when it is found already sent, then already_invited with the flag; only after an interrupted attempt is it our invitation', () => {
    const match: MemberCommand = {
      type: 'MatchMember',
      identityId: 'id9',
      role: 'owner',
      identity: { active: true, email: 'ann.lee@corp.example' },
      alreadyOnBusiness: false,
      taskId: 't1',
    };
    const found = (n: number, seen: string) =>
      last(
        run(match, ...attempts(n), { type: 'CompleteAction', taskId: 't1', observed: seen }).events,
      );
    expect(found(1, 'already_invited').data).toMatchObject({
      outcome: 'already_invited',
      afterInterruptedAttempt: false,
    });
    expect(taskOutcomeOf(found(1, 'already_invited'))).toBe('already_invited');
    expect(taskOutcomeOf(found(2, 'already_invited'))).toBe('invited');
    expect(taskOutcomeOf(found(2, 'already_member'))).toBe('already_member');
    expect(taskOutcomeOf(found(1, 'invited'))).toBe('invited');
  });

  it('given a role change, when Pinterest already shows the role, then already_done with the flag on the change; the task says unchanged unless it follows our interrupted attempt', () => {
    const change: MemberCommand = {
      type: 'ChangeBusinessRole',
      taskId: 't1',
      role: 'manager',
      automationAccountEmail: null,
    };
    const first = last(
      run(change, ...attempts(1), { type: 'CompleteAction', taskId: 't1', observed: 'unchanged' })
        .events,
    );
    expect(first).toEqual({
      type: 'MemberBusinessRoleChanged',
      data: {
        ...ref,
        from: 'employee',
        to: 'manager',
        taskId: 't1',
        outcome: 'already_done',
        afterInterruptedAttempt: false,
      },
    });
    expect(taskOutcomeOf(first)).toBe('unchanged');
    const retried = last(
      run(change, ...attempts(2), { type: 'CompleteAction', taskId: 't1', observed: 'unchanged' })
        .events,
    );
    expect(taskOutcomeOf(retried)).toBe('changed');
    const permissions = last(
      run(
        {
          type: 'ChangeAssetPermissions',
          taskId: 't1',
          assetId: 'a1',
          permissions: ['ANALYST'],
          automationAccountEmail: null,
        },
        ...attempts(1),
        { type: 'CompleteAction', taskId: 't1', observed: 'updated' },
      ).events,
    );
    expect(permissions.data).toMatchObject({ outcome: 'changed', afterInterruptedAttempt: false });
    expect(taskOutcomeOf(permissions)).toBe('changed');
  });

  it('given a role change a check observed (no task), then it answers no task', () => {
    const drift = d.decide(
      {
        type: 'ObserveMember',
        memberId: 'm1',
        integrationId: 'i1',
        observed: { ...observed, businessRole: 'manager' },
      },
      fold(d, history),
    );
    expect(taskOutcomeOf(drift[0])).toBeNull();
  });

  it('given schema-1 events, when upcast, then an already_… outcome says it was a first attempt and other outcomes stay as they were', () => {
    const step = (type: string, data: unknown) =>
      MEMBER_UPCASTERS.find((u) => u.eventType === type && u.fromVersion === 1)?.upcast(data);
    expect(step('MemberRemoved', { ...ref, outcome: 'already_absent' })).toEqual({
      ...ref,
      outcome: 'already_absent',
      afterInterruptedAttempt: false,
    });
    expect(step('MemberRemoved', { ...ref, outcome: 'removed' })).toEqual({
      ...ref,
      outcome: 'removed',
    });
    expect(step('MemberInvited', { ...ref, outcome: 'already_member' })).toEqual({
      ...ref,
      outcome: 'already_member',
      afterInterruptedAttempt: false,
    });
  });
});

import { fold } from '../shared/decider';
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
const ref = { memberId: 'm1', integrationId: 'i1' };
const discovered: MemberEvent[] = d.decide(
  { type: 'ObserveMember', memberId: 'm1', integrationId: 'i1', observed },
  d.initialState,
);
const matched: MemberEvent = {
  type: 'MemberMatched',
  data: { ...ref, identityId: 'id1', how: 'auto', rule: 'email' },
};
const given = (...more: MemberEvent[]): MemberState => fold(d, [...discovered, ...more]);
const when = (state: MemberState, command: MemberCommand): MemberEvent[] =>
  d.decide(command, state);
const leave = (over: Partial<Extract<MemberCommand, { type: 'MarkLeaver' }>> = {}) =>
  ({
    type: 'MarkLeaver',
    identityId: 'id1',
    leftAt: '2026-12-06T10:00:00.000Z',
    reason: 'deactivated',
    automationAccountEmail: 'bot@x.example',
    ...over,
  }) as const;

describe('leavers', () => {
  it('given a member matched to an identity, when the identity is deprovisioned, then MemberBecameLeaver with when and why', () => {
    expect(when(given(matched), leave())).toEqual([
      {
        type: 'MemberBecameLeaver',
        data: {
          ...ref,
          identityId: 'id1',
          leftAt: '2026-12-06T10:00:00.000Z',
          reason: 'deactivated',
        },
      },
    ]);
  });

  it('given any reason the directory records (a guest that ended), when marked, then the reason is kept as given', () => {
    const [event] = when(given(matched), leave({ reason: 'guest_expired' }));
    expect(event.data).toMatchObject({ reason: 'guest_expired' });
  });

  it('given a leaver, when marked again (a replay, or deleted after deactivated), then nothing new', () => {
    const state = given(matched, ...when(given(matched), leave()));
    expect(when(state, leave({ reason: 'deleted' }))).toEqual([]);
  });

  it('given a member matched to another identity, unmatched, or gone, when marked, then nothing', () => {
    expect(when(given(matched), leave({ identityId: 'id2' }))).toEqual([]);
    expect(when(given(), leave())).toEqual([]);
    const gone = when(given(matched), { type: 'ObserveMemberGone', memberId: 'm1' });
    expect(when(given(matched, ...gone), leave())).toEqual([]);
  });

  it('given the automation account is matched to the leaving identity, when marked, then the leaver says so (never removed by an apply)', () => {
    const [event] = when(given(matched), leave({ automationAccountEmail: 'ANN@x.example' }));
    expect(event.data).toMatchObject({ automationAccount: true });
  });

  it('given a leaver not yet removed, when the identity is reactivated, then MemberReinstated; again, nothing', () => {
    const left = when(given(matched), leave());
    const reinstated = when(given(matched, ...left), {
      type: 'ReinstateLeaver',
      identityId: 'id1',
    });
    expect(reinstated).toEqual([{ type: 'MemberReinstated', data: { ...ref, identityId: 'id1' } }]);
    expect(
      when(given(matched, ...left, ...reinstated), { type: 'ReinstateLeaver', identityId: 'id1' }),
    ).toEqual([]);
    // Deprovisioned again: a leaver again.
    expect(when(given(matched, ...left, ...reinstated), leave())).toHaveLength(1);
  });

  it('given a leaver whose removal is under way or done, when reactivated, then nothing: the removal is not called back', () => {
    const left = when(given(matched), leave());
    const requested = when(given(matched, ...left), {
      type: 'RemoveMember',
      taskId: 't1',
      automationAccountEmail: null,
    });
    expect(
      when(given(matched, ...left, ...requested), { type: 'ReinstateLeaver', identityId: 'id1' }),
    ).toEqual([]);
    const removed = when(
      fold(d, [
        ...discovered,
        matched,
        ...left,
        ...requested,
        { type: 'MemberActionAttempted', data: { ...ref, taskId: 't1', attempt: 1 } },
      ]),
      { type: 'CompleteAction', taskId: 't1', observed: 'removed' },
    );
    expect(
      when(given(matched, ...left, ...requested, ...removed), {
        type: 'ReinstateLeaver',
        identityId: 'id1',
      }),
    ).toEqual([]);
  });
});

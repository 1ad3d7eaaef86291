import { fold } from '../shared/decider';
import { WrongState } from '../shared/errors';
import type { ObservedMember } from '../pinterest/business';
import { type MemberCommand, memberDecider as d, type MemberState } from './member.decider';
import type { MemberEvent } from './member.events';

const ROBOT = 'Robot@Acme.example';
const robot: ObservedMember = {
  pinterestUserId: 'p0',
  name: 'Acme Robot',
  email: 'robot@acme.example',
  businessRole: 'manager',
  assets: { a1: ['ADMIN', 'ANALYST'] },
};
const ref = { memberId: 'm1', integrationId: 'i1' };
const given = (o: ObservedMember, ...more: MemberEvent[]): MemberState =>
  fold(d, [...d.decide({ type: 'ObserveMember', ...ref, observed: o }, d.initialState), ...more]);
const reasonOf = (state: MemberState, command: MemberCommand): unknown => {
  try {
    d.decide(command, state);
  } catch (error) {
    expect(error).toBeInstanceOf(WrongState);
    return (error as WrongState).details?.reason;
  }
  return 'accepted';
};

describe('member rules: the automation account keeps its access', () => {
  const state = given(robot);

  it('given the member the integration logs in with, when removed, demoted or narrowed, then refused with reason automation_account', () => {
    expect(
      reasonOf(state, { type: 'RemoveMember', taskId: 't', automationAccountEmail: ROBOT }),
    ).toBe('automation_account');
    expect(
      reasonOf(state, {
        type: 'ChangeBusinessRole',
        taskId: 't',
        role: 'employee',
        automationAccountEmail: ROBOT,
      }),
    ).toBe('automation_account');
    for (const permissions of [[], ['ADMIN']] as const) {
      expect(
        reasonOf(state, {
          type: 'ChangeAssetPermissions',
          taskId: 't',
          assetId: 'a1',
          permissions: [...permissions],
          automationAccountEmail: ROBOT,
        }),
      ).toBe('automation_account');
    }
  });

  it('given the automation account, when given more permissions, exempted or matched, then accepted', () => {
    expect(
      d.decide(
        {
          type: 'ChangeAssetPermissions',
          taskId: 't',
          assetId: 'a2',
          permissions: ['ANALYST'],
          automationAccountEmail: ROBOT,
        },
        state,
      ),
    ).toHaveLength(1);
    expect(d.decide({ type: 'ExemptMember', reason: 'service account' }, state)).toHaveLength(1);
    expect(
      d.decide(
        {
          type: 'MatchMember',
          identityId: 'id1',
          role: 'owner',
          identity: { active: true, email: 'robot@acme.example' },
          alreadyOnBusiness: true,
          taskId: 't',
        },
        state,
      ),
    ).toHaveLength(1);
  });

  it('given another member, when removed with the same automation account named, then accepted', () => {
    const other = given({ ...robot, email: 'ann@acme.example' });
    expect(
      d.decide({ type: 'RemoveMember', taskId: 't', automationAccountEmail: ROBOT }, other),
    ).toHaveLength(1);
  });
});

describe('member rules: the match role decides who may manage', () => {
  const employee: ObservedMember = {
    ...robot,
    email: 'ann@acme.example',
    businessRole: 'employee',
  };
  const matched = (role?: 'owner' | 'collaborator'): MemberEvent => ({
    type: 'MemberMatched',
    data: {
      ...ref,
      identityId: 'id1',
      how: role ? 'manual' : 'auto',
      rule: role ? 'manual' : 'email',
      ...(role ? { role } : {}),
    },
  });
  const promote: MemberCommand = {
    type: 'ChangeBusinessRole',
    taskId: 't',
    role: 'manager',
    automationAccountEmail: null,
  };

  it('given a member matched as collaborator, when made manager, then refused with reason collaborator', () => {
    expect(reasonOf(given(employee, matched('collaborator')), promote)).toBe('collaborator');
  });

  it('given an automatic match (no role chosen), when made manager, then refused as a collaborator', () => {
    expect(reasonOf(given(employee, matched()), promote)).toBe('collaborator');
  });

  it('given a member matched as owner, when made manager, then the change is requested; the role is on the member', () => {
    const state = given(employee, matched('owner'));
    expect(state.match?.role).toBe('owner');
    expect(d.decide(promote, state).map((e) => e.type)).toEqual([
      'MemberBusinessRoleChangeRequested',
    ]);
  });

  it('given a collaborator, when demoted to employee, then accepted', () => {
    const manager = given({ ...employee, businessRole: 'manager' }, matched('collaborator'));
    expect(reasonOf(manager, { ...promote, role: 'employee' } as MemberCommand)).toBe('accepted');
  });
});

import { fold } from '../shared/decider';
import type { ObservedMember } from '../pinterest/business';
import { memberDecider as d, memberIdFor } from './member.decider';
import type { MemberEvent } from './member.events';

const observed: ObservedMember = {
  pinterestUserId: 'p1',
  name: 'Ann Lee',
  email: 'Ann@Example.com',
  businessRole: 'employee',
  assets: { a2: ['ANALYST', 'ADMIN'], a1: ['PROFILE_PUBLISHER'] },
};
const observe = (o: ObservedMember = observed) => ({
  type: 'ObserveMember' as const,
  memberId: 'm1',
  integrationId: 'i1',
  observed: o,
});
const discovered = d.decide(observe(), d.initialState);

describe('member decider', () => {
  it('given an unknown member, when observed, then MemberDiscovered with sorted grants', () => {
    expect(discovered).toEqual([
      {
        type: 'MemberDiscovered',
        data: {
          memberId: 'm1',
          integrationId: 'i1',
          pinterestUserId: 'p1',
          personal: { name: 'Ann Lee', email: 'Ann@Example.com' },
          businessRole: 'employee',
          assets: { a1: ['PROFILE_PUBLISHER'], a2: ['ADMIN', 'ANALYST'] },
        },
      },
    ]);
  });

  it('given an erased member (read back as erased-<id>), when observed again with a name, then no profile change, only access', () => {
    const erased: MemberEvent[] = discovered.map((e) =>
      e.type === 'MemberDiscovered'
        ? { ...e, data: { ...e.data, personal: { name: 'erased-abc', email: 'erased-abc' } } }
        : e,
    );
    const events = d.decide(observe({ ...observed, businessRole: 'manager' }), fold(d, erased));
    expect(events.map((e) => e.type)).toEqual(['MemberBusinessRoleChanged']);
  });

  it('given a known member, when observed unchanged, then nothing is recorded', () => {
    expect(d.decide(observe(), fold(d, discovered))).toEqual([]);
  });

  it('given a known member, when role and one asset change, then one event each', () => {
    const events = d.decide(
      observe({
        ...observed,
        businessRole: 'manager',
        assets: { a1: ['PROFILE_PUBLISHER'], a2: ['ADMIN'], a3: ['ANALYST'] },
      }),
      fold(d, discovered),
    );
    expect(events.map((e) => e.type)).toEqual([
      'MemberBusinessRoleChanged',
      'MemberAssetPermissionsChanged',
      'MemberAssetPermissionsChanged',
    ]);
    expect(events[1].data).toMatchObject({
      assetId: 'a2',
      from: ['ADMIN', 'ANALYST'],
      to: ['ADMIN'],
    });
    expect(events[2].data).toMatchObject({ assetId: 'a3', from: [], to: ['ANALYST'] });
  });

  it('given a present member, when gone, then MemberLeftBusiness revokes every asset', () => {
    const [left] = d.decide({ type: 'ObserveMemberGone', memberId: 'm1' }, fold(d, discovered));
    expect(left).toMatchObject({
      type: 'MemberLeftBusiness',
      data: { revokedAssets: { a1: ['PROFILE_PUBLISHER'], a2: ['ADMIN', 'ANALYST'] } },
    });
    expect(
      d.decide({ type: 'ObserveMemberGone', memberId: 'm1' }, fold(d, [...discovered, left])),
    ).toEqual([]);
  });

  it('given a gone member, when observed again, then it is discovered again', () => {
    const gone = fold(d, [
      ...discovered,
      ...d.decide({ type: 'ObserveMemberGone', memberId: 'm1' }, fold(d, discovered)),
    ]);
    expect(d.decide(observe(), gone).map((e) => e.type)).toEqual(['MemberDiscovered']);
  });

  it('given one candidate, when auto-matched, then MemberMatched records how and the rule', () => {
    expect(
      d.decide(
        { type: 'AutoMatch', candidates: ['id1', 'id1'], rule: 'email' },
        fold(d, discovered),
      ),
    ).toEqual([
      {
        type: 'MemberMatched',
        data: {
          memberId: 'm1',
          integrationId: 'i1',
          identityId: 'id1',
          how: 'auto',
          rule: 'email',
        },
      },
    ]);
  });

  it('given two candidates, when auto-matched, then ambiguous once, and cleared when they go', () => {
    const state = fold(d, discovered);
    const ambiguous = d.decide(
      { type: 'AutoMatch', candidates: ['id2', 'id1'], rule: 'email' },
      state,
    );
    expect(ambiguous).toEqual([
      {
        type: 'MemberMatchAmbiguous',
        data: { memberId: 'm1', integrationId: 'i1', candidates: ['id1', 'id2'], rule: 'email' },
      },
    ]);
    const after = fold(d, [...discovered, ...ambiguous] as MemberEvent[]);
    expect(
      d.decide({ type: 'AutoMatch', candidates: ['id1', 'id2'], rule: 'email' }, after),
    ).toEqual([]);
    expect(
      d.decide({ type: 'AutoMatch', candidates: [], rule: 'email' }, after).map((e) => e.type),
    ).toEqual(['MemberAmbiguityCleared']);
  });

  it('given a matched member, when auto-matched again, then nothing changes', () => {
    const matched = fold(d, [
      ...discovered,
      ...d.decide({ type: 'AutoMatch', candidates: ['id1'], rule: 'email' }, fold(d, discovered)),
    ]);
    expect(d.decide({ type: 'AutoMatch', candidates: ['id9'], rule: 'email' }, matched)).toEqual(
      [],
    );
  });

  it('derives the same member id for the same person in the same integration only', () => {
    expect(memberIdFor('i1', 'p1')).toBe(memberIdFor('i1', 'p1'));
    expect(memberIdFor('i1', 'p1')).not.toBe(memberIdFor('i2', 'p1'));
  });
});

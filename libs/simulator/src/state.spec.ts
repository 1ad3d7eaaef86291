import { InvalidFixture } from './fixture-validation';
import { ChangeRefused, SimulatorState } from './state';
import type { SimulatorFixture } from './types';

const fixture = (): SimulatorFixture => ({
  businesses: [
    {
      id: 'b1',
      name: 'Biz',
      members: [
        { id: 'm1', name: 'Manager', email: 'boss@x.example', role: 'MANAGER', password: 'pw' },
        { id: 'm2', name: 'Worker', email: 'Worker@x.example', role: 'EMPLOYEE' },
      ],
      invites: [{ email: 'old@x.example', role: 'EMPLOYEE', status: 'EXPIRED' }],
      assets: [
        { id: 'a1', type: 'AD_ACCOUNT', name: 'Ads' },
        { id: 'p1', type: 'PROFILE', name: 'Profile' },
      ],
      grants: [
        { memberId: 'm2', assetId: 'a1', permissions: ['ANALYST', 'ADMIN'] },
        { memberId: 'm2', assetId: 'p1', permissions: ['PROFILE_PUBLISHER'] },
      ],
      partners: [
        { id: 'x1', name: 'Agency', grants: [{ assetId: 'a1', permissions: ['ANALYST'] }] },
      ],
    },
  ],
});

describe('SimulatorState', () => {
  const at = new Date('2024-06-01T12:00:00.000Z');
  const load = (): SimulatorState => {
    const state = new SimulatorState(() => at);
    state.reset(fixture());
    return state;
  };

  it('removing a person removes every asset permission they had, and logs it', () => {
    // given a person with two grants
    const state = load();
    const business = state.businesses.get('b1')!;
    expect(business.assetIdsOf('m2').size).toBe(2);

    // when they are removed
    state.removeMember('b1', 'm2', 'boss@x.example');

    // then they and their grants are gone, the partner's grant stays
    expect(business.members.has('m2')).toBe(false);
    expect(business.peopleOn('a1')).toEqual([]);
    expect(business.partnersOn('a1')).toHaveLength(1);
    expect(state.toFixture().businesses[0]!.grants).toEqual([]);
    expect(state.log).toEqual([
      {
        at: at.toISOString(),
        businessId: 'b1',
        action: 'remove_member',
        target: 'm2',
        by: 'boss@x.example',
        channel: 'ui',
        details: { email: 'Worker@x.example' },
      },
    ]);
    // and removing them again is refused as not found
    expect(() => state.removeMember('b1', 'm2', 'boss@x.example')).toThrow(ChangeRefused);
  });

  it('invites only people who are neither members nor already invited', () => {
    // given an existing member and an expired invitation
    const state = load();

    // when inviting them, a new person, and the expired one again
    const outcomes = state.invite(
      'b1',
      ['worker@x.example', 'new@x.example', 'old@x.example', 'new@x.example'],
      'EMPLOYEE',
      'boss@x.example',
    );

    // then each gets its outcome, and only the real invitations are logged
    expect(outcomes.map((o) => o.outcome)).toEqual([
      'already_member',
      'invited',
      'invited',
      'already_invited',
    ]);
    expect(state.log.map((e) => [e.action, e.target])).toEqual([
      ['invite', 'new@x.example'],
      ['invite', 'old@x.example'],
    ]);
    expect(state.businesses.get('b1')!.invites.get('old@x.example')?.status).toBe('PENDING');
  });

  it('cancels a pending invitation once', () => {
    const state = load();
    state.invite('b1', ['new@x.example'], 'MANAGER', 'boss@x.example');
    expect(state.cancelInvite('b1', 'NEW@x.example', 'boss@x.example').status).toBe('CANCELLED');
    expect(() => state.cancelInvite('b1', 'new@x.example', 'boss@x.example')).toThrow(
      ChangeRefused,
    );
  });

  it('sets, replaces and clears asset permissions, logging only real changes', () => {
    const state = load();
    const business = state.businesses.get('b1')!;
    state.setAssetPermissions('b1', 'm1', 'a1', ['FINANCE_MANAGER'], 'boss@x.example');
    state.setAssetPermissions('b1', 'm1', 'a1', ['FINANCE_MANAGER'], 'boss@x.example');
    expect(business.permissionsOf('m1', 'a1')).toEqual(['FINANCE_MANAGER']);
    state.setAssetPermissions('b1', 'm1', 'a1', [], 'boss@x.example');
    expect(business.assetIdsOf('m1').size).toBe(0);
    expect(state.log.map((e) => e.action)).toEqual([
      'set_asset_permissions',
      'set_asset_permissions',
    ]);
    // and a permission the asset type does not offer is refused
    expect(() => state.setAssetPermissions('b1', 'm1', 'p1', ['ADMIN'], 'boss@x.example')).toThrow(
      /can't be given/,
    );
  });

  it('logs a role change only when the role changes', () => {
    const state = load();
    state.changeRole('b1', 'm2', 'EMPLOYEE', 'boss@x.example');
    state.changeRole('b1', 'm2', 'MANAGER', 'boss@x.example');
    expect(state.log).toHaveLength(1);
    expect(state.log[0]).toMatchObject({
      action: 'change_role',
      details: { from: 'EMPLOYEE', to: 'MANAGER' },
    });
  });

  it('round-trips through its fixture format', () => {
    const state = load();
    const copy = new SimulatorState(() => at);
    copy.reset(state.toFixture());
    expect(copy.toFixture()).toEqual(state.toFixture());
  });

  it('refuses a fixture whose grants point at nothing, naming where', () => {
    const bad = fixture();
    bad.businesses[0]!.grants!.push({ memberId: 'ghost', assetId: 'a1', permissions: ['ADMIN'] });
    expect(() => new SimulatorState().reset(bad)).toThrow(InvalidFixture);
    expect(() => new SimulatorState().reset(bad)).toThrow(/businesses\[0\]\.grants\[2\]\.memberId/);
  });
});

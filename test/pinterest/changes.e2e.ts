import {
  AssetNotFound,
  createPlaywrightGateway,
  InvalidRequest,
  MemberNotFound,
  PermissionDenied,
  type PinterestBusinessGateway,
} from '@app/pinterest';
import { startSimulator, type RunningSimulator } from '@app/simulator';

import {
  BUSINESS_ID,
  caught,
  EMPLOYEE,
  expectEvidence,
  MANAGER,
  SimControl,
  tempDataDir,
} from './support';

describe('Pinterest changes through the Playwright gateway', () => {
  let sim: RunningSimulator;
  let control: SimControl;
  let gateway: PinterestBusinessGateway;
  const data = tempDataDir();
  const business = async () =>
    (await control.state()).businesses.find((b) => b.id === BUSINESS_ID)!;
  const actions = async () => (await control.log()).map((e) => [e.action, e.target, e.by]);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    control = new SimControl(sim.url);
    await control.reset();
    gateway = createPlaywrightGateway({ baseUrl: sim.url, dataDir: data.dir, retryDelayMs: 50 });
    await gateway.login(MANAGER);
  });
  afterAll(async () => {
    await gateway.close();
    await sim.close();
    data.remove();
  });
  // A reset ends the session too: each test also shows the gateway logging in again by itself.
  beforeEach(() => control.reset());

  it('removes a member with all their asset permissions, and removing again says already_absent', async () => {
    // given Leo, who holds an ad account and a catalog
    expect((await business()).grants!.filter((g) => g.memberId === '904')).toHaveLength(2);

    // when the gateway removes him
    const first = await gateway.removeMember(BUSINESS_ID, '904');

    // then he is gone with his grants, and Pinterest logged one removal by the automation account
    expect(first).toEqual({ memberId: '904', outcome: 'removed' });
    const after = await business();
    expect(after.members.map((m) => m.id)).not.toContain('904');
    expect(after.grants!.filter((g) => g.memberId === '904')).toEqual([]);
    expect(await actions()).toEqual([['remove_member', '904', MANAGER.email]]);

    // when removing him again
    const second = await gateway.removeMember(BUSINESS_ID, '904');

    // then it succeeds, says so, and changes nothing
    expect(second).toEqual({ memberId: '904', outcome: 'already_absent' });
    expect(await actions()).toHaveLength(1);
  });

  it('invites new people once, and tells apart those already invited or already members', async () => {
    // when inviting a new person, one already invited and a member
    const first = await gateway.inviteMembers(
      BUSINESS_ID,
      ['new.hire@test.example', 'pending@test.example', 'ana@test.example'],
      'MANAGER',
    );

    // then only the new person is invited, as a Manager
    expect(first.results).toEqual([
      { email: 'new.hire@test.example', outcome: 'invited' },
      { email: 'pending@test.example', outcome: 'already_invited' },
      { email: 'ana@test.example', outcome: 'already_member' },
    ]);
    expect((await business()).invites).toContainEqual(
      expect.objectContaining({
        email: 'new.hire@test.example',
        role: 'MANAGER',
        status: 'PENDING',
      }),
    );

    // when repeating the call
    const second = await gateway.inviteMembers(BUSINESS_ID, ['new.hire@test.example'], 'MANAGER');

    // then nothing more is sent
    expect(second.results).toEqual([
      { email: 'new.hire@test.example', outcome: 'already_invited' },
    ]);
    expect(await actions()).toEqual([['invite', 'new.hire@test.example', MANAGER.email]]);

    // and something that is not an email is refused before anything is sent
    const bad = await caught(() =>
      gateway.inviteMembers(BUSINESS_ID, ['not-an-email'], 'EMPLOYEE'),
    );
    expect(bad).toBeInstanceOf(InvalidRequest);
    expect(await actions()).toHaveLength(1);
  });

  it('cancels a pending invitation, and cancelling again says already_absent', async () => {
    expect(await gateway.cancelInvite(BUSINESS_ID, 'pending@test.example')).toEqual({
      email: 'pending@test.example',
      outcome: 'cancelled',
    });
    expect((await business()).invites).toContainEqual(
      expect.objectContaining({ email: 'pending@test.example', status: 'CANCELLED' }),
    );
    expect(await gateway.cancelInvite(BUSINESS_ID, 'pending@test.example')).toEqual({
      email: 'pending@test.example',
      outcome: 'already_absent',
    });
    // an expired invitation is not pending either
    expect((await gateway.cancelInvite(BUSINESS_ID, 'expired@test.example')).outcome).toBe(
      'already_absent',
    );
    expect(await actions()).toEqual([['cancel_invite', 'pending@test.example', MANAGER.email]]);
  });

  it('changes a role, and the same change again is unchanged', async () => {
    // when making Ana a Manager, twice
    const first = await gateway.changeRole(BUSINESS_ID, '903', 'MANAGER');
    const second = await gateway.changeRole(BUSINESS_ID, '903', 'MANAGER');

    // then the first changed it and the second found it done
    expect(first).toEqual({ memberId: '903', role: 'MANAGER', outcome: 'changed' });
    expect(second).toEqual({ memberId: '903', role: 'MANAGER', outcome: 'unchanged' });
    expect((await business()).members.find((m) => m.id === '903')?.role).toBe('MANAGER');
    expect(await actions()).toEqual([['change_role', '903', MANAGER.email]]);
  });

  it('reports MemberNotFound for a role change of someone absent', async () => {
    const error = await caught(() => gateway.changeRole(BUSINESS_ID, '404404', 'EMPLOYEE'));
    expect(error).toBeInstanceOf(MemberNotFound);
    expect((error as MemberNotFound).memberId).toBe('404404');
    expectEvidence((error as MemberNotFound).evidence);
  });

  it('grants, updates and removes asset permissions, each repeat being unchanged', async () => {
    const perms = async () =>
      (await business()).grants!.find((g) => g.memberId === '903' && g.assetId === '5492')
        ?.permissions;

    // when granting Ana an ad account she does not have, twice
    expect(
      (await gateway.setAssetPermissions(BUSINESS_ID, '903', '5492', ['ADMIN', 'ANALYST'])).outcome,
    ).toBe('granted');
    expect(
      (await gateway.setAssetPermissions(BUSINESS_ID, '903', '5492', ['ANALYST', 'ADMIN'])).outcome,
    ).toBe('unchanged');
    expect(await perms()).toEqual(['ADMIN', 'ANALYST']);

    // when narrowing it
    expect(
      (await gateway.setAssetPermissions(BUSINESS_ID, '903', '5492', ['FINANCE_MANAGER'])).outcome,
    ).toBe('updated');
    expect(await perms()).toEqual(['FINANCE_MANAGER']);

    // when removing it, twice
    expect(await gateway.setAssetPermissions(BUSINESS_ID, '903', '5492', [])).toEqual({
      memberId: '903',
      assetId: '5492',
      permissions: [],
      outcome: 'removed',
    });
    expect((await gateway.setAssetPermissions(BUSINESS_ID, '903', '5492', [])).outcome).toBe(
      'unchanged',
    );
    expect(await perms()).toBeUndefined();

    // then Pinterest saw exactly three changes
    expect(await actions()).toEqual([
      ['set_asset_permissions', '903', MANAGER.email],
      ['set_asset_permissions', '903', MANAGER.email],
      ['set_asset_permissions', '903', MANAGER.email],
    ]);
  });

  it('sets the profile Publisher permission and the catalog Catalogs permission', async () => {
    expect(
      (await gateway.setAssetPermissions(BUSINESS_ID, '901', '7001', ['PROFILE_PUBLISHER']))
        .outcome,
    ).toBe('granted');
    expect(
      (await gateway.setAssetPermissions(BUSINESS_ID, '901', '8001', ['CATALOGS_MANAGER'])).outcome,
    ).toBe('granted');
    const grants = (await business()).grants!.filter((g) => g.memberId === '901');
    expect(grants).toEqual(
      expect.arrayContaining([
        { memberId: '901', assetId: '7001', permissions: ['PROFILE_PUBLISHER'] },
        { memberId: '901', assetId: '8001', permissions: ['CATALOGS_MANAGER'] },
      ]),
    );
  });

  it('refuses permissions the asset does not offer, and an unknown asset', async () => {
    const wrongType = await caught(() =>
      gateway.setAssetPermissions(BUSINESS_ID, '903', '5493', ['PROFILE_PUBLISHER']),
    );
    expect(wrongType).toBeInstanceOf(InvalidRequest);
    const missing = await caught(() =>
      gateway.setAssetPermissions(BUSINESS_ID, '903', '0000', ['ADMIN']),
    );
    expect(missing).toBeInstanceOf(AssetNotFound);
    expect(await control.log()).toEqual([]);
  });

  it('runs several changes at once within the concurrency bound', async () => {
    // when removing three people at the same time through a gateway of concurrency 2
    const results = await Promise.all(
      ['903', '904', '905'].map((id) => gateway.removeMember(BUSINESS_ID, id)),
    );

    // then all three went through
    expect(results.map((r) => r.outcome)).toEqual(['removed', 'removed', 'removed']);
    expect((await actions()).map(([, target]) => target).sort()).toEqual(['903', '904', '905']);
  });

  it('refuses an Employee login any change with PermissionDenied and keeps evidence', async () => {
    // given a gateway logged in as an Employee
    const employee = createPlaywrightGateway({ baseUrl: sim.url, dataDir: data.dir });
    try {
      await employee.login(EMPLOYEE);

      // when it tries to remove someone
      const error = await caught(() => employee.removeMember(BUSINESS_ID, '904'));

      // then Pinterest refuses, nothing changed, and the refusal is on file
      expect(error).toBeInstanceOf(PermissionDenied);
      expect((error as PermissionDenied).businessId).toBe(BUSINESS_ID);
      expectEvidence((error as PermissionDenied).evidence);
      expect(await control.log()).toEqual([]);
    } finally {
      await employee.close();
    }
  });
});

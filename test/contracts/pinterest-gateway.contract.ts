import {
  AssetNotFound,
  BusinessNotFound,
  InvalidRequest,
  MemberNotFound,
  PermissionDenied,
  type BusinessSnapshot,
  type PinterestBusinessGateway,
} from '@app/pinterest';
import type { LogChannel, RunningSimulator } from '@app/simulator';

import { BUSINESS_ID, caught, MANAGER, OTHER_BUSINESS_ID, SimControl } from '../pinterest/support';

/** One adapter over the simulator, as its spec file sets it up. */
export interface GatewayUnderTest {
  sim: RunningSimulator;
  /** The gateway acting as the business's Manager (logged in or authorized). */
  gateway: PinterestBusinessGateway;
  /** Which channel the simulator's log names for this adapter's changes. */
  channel: LogChannel;
  /** A gateway acting as an Employee of the business; closed by the caller. */
  employee(): Promise<PinterestBusinessGateway>;
  close(): Promise<void>;
}

/** What both adapters must see alike; names of ad accounts and profiles are the browser's only. */
function governanceView(s: BusinessSnapshot) {
  return {
    businessId: s.businessId,
    members: s.members.map((m) => ({
      id: m.id,
      name: m.name,
      email: m.email,
      role: m.role,
      addedAt: m.addedAt,
      assetsCount: m.assetsCount,
    })),
    invites: s.invites.map((i) => ({
      email: i.email,
      role: i.role,
      status: i.status,
      sentAt: i.sentAt,
    })),
    pendingInvites: s.pendingInvites.map((i) => i.email),
    assets: s.assets.map((a) => ({ id: a.id, type: a.type })),
    catalogNames: s.assets.filter((a) => a.type === 'CATALOG').map((a) => a.name),
    partners: s.partners.map((p) => p.id),
    grants: s.grants,
    complete: s.complete,
    warnings: s.warnings,
  };
}

/**
 * The Pinterest gateway's contract: the same snapshot, every change with its observed outcome
 * and idempotent repeat, every typed error, whichever adapter serves it.
 */
export function describePinterestGatewayContract(
  name: string,
  setup: () => Promise<GatewayUnderTest>,
): void {
  describe(`Pinterest gateway contract: ${name}`, () => {
    let t: GatewayUnderTest;
    let control: SimControl;
    const business = async () =>
      (await control.state()).businesses.find((b) => b.id === BUSINESS_ID)!;
    const actions = async () =>
      (await control.log()).map((e) => [e.action, e.target, e.by, e.channel]);

    beforeAll(async () => {
      t = await setup();
      control = new SimControl(t.sim.url);
    });
    afterAll(() => t.close());
    beforeEach(() => control.reset());

    it('reads every member with roles and grants (catalogs included), assets, partners and invites', async () => {
      // when taking a snapshot of the test business
      const snapshot = await t.gateway.fetchSnapshot(BUSINESS_ID);

      // then it is complete and holds what the fixture holds
      expect(governanceView(snapshot)).toEqual({
        businessId: BUSINESS_ID,
        members: [
          {
            id: '900',
            name: 'Automation',
            email: MANAGER.email,
            role: 'MANAGER',
            addedAt: '2023-01-02T03:04:05.000Z',
            assetsCount: 0,
          },
          {
            id: '901',
            name: 'Erin Employee',
            email: 'erin@test.example',
            role: 'EMPLOYEE',
            addedAt: '2023-02-01T00:00:00.000Z',
            assetsCount: 1,
          },
          {
            id: '902',
            name: 'Mia Multifactor',
            email: 'mfa@test.example',
            role: 'MANAGER',
            addedAt: '2023-03-01T00:00:00.000Z',
            assetsCount: 0,
          },
          {
            id: '903',
            name: 'Ana Analyst',
            email: 'ana@test.example',
            role: 'EMPLOYEE',
            addedAt: '2023-04-01T00:00:00.000Z',
            assetsCount: 2,
          },
          {
            id: '904',
            name: 'Leo Leaver',
            email: 'leo@test.example',
            role: 'EMPLOYEE',
            addedAt: '2022-05-01T00:00:00.000Z',
            assetsCount: 2,
          },
          {
            id: '905',
            name: "Zoë O'Brien <Ops>",
            email: 'zoe@test.example',
            role: 'MANAGER',
            addedAt: '2024-06-15T12:30:00.000Z',
            assetsCount: 1,
          },
        ],
        invites: [
          {
            email: 'pending@test.example',
            role: 'EMPLOYEE',
            status: 'PENDING',
            sentAt: '2024-07-01T00:00:00.000Z',
          },
          {
            email: 'expired@test.example',
            role: 'MANAGER',
            status: 'EXPIRED',
            sentAt: '2024-01-01T00:00:00.000Z',
          },
        ],
        pendingInvites: ['pending@test.example'],
        assets: expect.arrayContaining([
          { id: '5491', type: 'AD_ACCOUNT' },
          { id: '5492', type: 'AD_ACCOUNT' },
          { id: '5493', type: 'AD_ACCOUNT' },
          { id: '7001', type: 'PROFILE' },
          { id: '8001', type: 'CATALOG' },
        ]),
        catalogNames: ['Products'],
        partners: ['3001', '3002'],
        grants: expect.arrayContaining([
          {
            principalType: 'MEMBER',
            principalId: '903',
            assetId: '5491',
            permissions: ['ANALYST', 'CAMPAIGN_MANAGER'],
          },
          {
            principalType: 'MEMBER',
            principalId: '903',
            assetId: '7001',
            permissions: ['PROFILE_PUBLISHER'],
          },
          { principalType: 'MEMBER', principalId: '904', assetId: '5491', permissions: ['ADMIN'] },
          {
            principalType: 'MEMBER',
            principalId: '904',
            assetId: '8001',
            permissions: ['CATALOGS_MANAGER'],
          },
          {
            principalType: 'MEMBER',
            principalId: '905',
            assetId: '5492',
            permissions: ['FINANCE_MANAGER', 'AUDIENCE_MANAGER', 'CATALOGS_MANAGER'],
          },
          {
            principalType: 'MEMBER',
            principalId: '901',
            assetId: '5492',
            permissions: ['ANALYST'],
          },
          {
            principalType: 'PARTNER',
            principalId: '3001',
            assetId: '5491',
            permissions: ['ANALYST'],
          },
          {
            principalType: 'PARTNER',
            principalId: '3002',
            assetId: '8001',
            permissions: ['CATALOGS_MANAGER'],
          },
        ]),
        complete: true,
        warnings: [],
      });
      expect(snapshot.grants).toHaveLength(8);
      expect(snapshot.assets).toHaveLength(5);
    });

    it('follows every page of a long list', async () => {
      // given a business of 620 people, more than two pages of either adapter
      await control.generate({
        businessId: BUSINESS_ID,
        members: 619,
        adAccounts: 3,
        grantsPerMember: 1,
        partners: 1,
        seed: 7,
        managerEmail: MANAGER.email,
        managerPassword: MANAGER.password,
      });

      // when taking a snapshot, then everyone is there and the snapshot says it is complete
      const snapshot = await t.gateway.fetchSnapshot(BUSINESS_ID);
      expect(snapshot.members).toHaveLength(620);
      expect(new Set(snapshot.members.map((m) => m.id)).size).toBe(620);
      expect(snapshot.complete).toBe(true);
    });

    it('removes a member with their grants once; again is already_absent', async () => {
      expect(await t.gateway.removeMember(BUSINESS_ID, '904')).toEqual({
        memberId: '904',
        outcome: 'removed',
      });
      expect((await business()).members.map((m) => m.id)).not.toContain('904');
      expect((await business()).grants!.filter((g) => g.memberId === '904')).toEqual([]);
      expect(await t.gateway.removeMember(BUSINESS_ID, '904')).toEqual({
        memberId: '904',
        outcome: 'already_absent',
      });
      expect(await actions()).toEqual([['remove_member', '904', MANAGER.email, t.channel]]);
    });

    it('changes a role once; again is unchanged', async () => {
      expect(await t.gateway.changeRole(BUSINESS_ID, '903', 'MANAGER')).toEqual({
        memberId: '903',
        role: 'MANAGER',
        outcome: 'changed',
      });
      expect(await t.gateway.changeRole(BUSINESS_ID, '903', 'MANAGER')).toEqual({
        memberId: '903',
        role: 'MANAGER',
        outcome: 'unchanged',
      });
      expect((await business()).members.find((m) => m.id === '903')?.role).toBe('MANAGER');
      expect(await actions()).toEqual([['change_role', '903', MANAGER.email, t.channel]]);
    });

    it('grants, updates and revokes asset permissions (a catalog too), each repeat unchanged', async () => {
      const set = (
        assetId: string,
        perms: Parameters<PinterestBusinessGateway['setAssetPermissions']>[3],
      ) => t.gateway.setAssetPermissions(BUSINESS_ID, '903', assetId, perms).then((r) => r.outcome);
      expect(await set('5492', ['ADMIN', 'ANALYST'])).toBe('granted');
      expect(await set('5492', ['ANALYST', 'ADMIN'])).toBe('unchanged');
      expect(await set('5492', ['FINANCE_MANAGER'])).toBe('updated');
      expect(await set('8001', ['CATALOGS_MANAGER'])).toBe('granted');
      expect(await set('5492', [])).toBe('removed');
      expect(await set('5492', [])).toBe('unchanged');
      const grants = (await business()).grants!.filter((g) => g.memberId === '903');
      expect(grants).toEqual(
        expect.arrayContaining([
          { memberId: '903', assetId: '8001', permissions: ['CATALOGS_MANAGER'] },
        ]),
      );
      expect(grants.find((g) => g.assetId === '5492')).toBeUndefined();
      expect((await actions()).map(([a, , , c]) => [a, c])).toEqual(
        Array.from({ length: 4 }, () => ['set_asset_permissions', t.channel]),
      );
    });

    it("sets and reads the API's full vocabulary: Finance edit/view, Catalogs viewer", async () => {
      expect(
        (
          await t.gateway.setAssetPermissions(BUSINESS_ID, '903', '5493', [
            'FINANCE_VIEW',
            'FINANCE_EDIT',
          ])
        ).outcome,
      ).toBe('granted');
      expect(
        (await t.gateway.setAssetPermissions(BUSINESS_ID, '903', '8001', ['CATALOGS_VIEWER']))
          .outcome,
      ).toBe('granted');
      const snapshot = await t.gateway.fetchSnapshot(BUSINESS_ID);
      expect(snapshot.grants.filter((g) => g.principalId === '903')).toEqual(
        expect.arrayContaining([
          {
            principalType: 'MEMBER',
            principalId: '903',
            assetId: '5493',
            permissions: ['FINANCE_EDIT', 'FINANCE_VIEW'],
          },
          {
            principalType: 'MEMBER',
            principalId: '903',
            assetId: '8001',
            permissions: ['CATALOGS_VIEWER'],
          },
        ]),
      );
      expect(snapshot.complete).toBe(true);
    });

    it('invites once and tells apart those already invited or already members', async () => {
      const first = await t.gateway.inviteMembers(
        BUSINESS_ID,
        ['new.hire@test.example', 'pending@test.example', 'ana@test.example'],
        'MANAGER',
      );
      expect(first.results).toEqual([
        { email: 'new.hire@test.example', outcome: 'invited' },
        { email: 'pending@test.example', outcome: 'already_invited' },
        { email: 'ana@test.example', outcome: 'already_member' },
      ]);
      expect(
        (await t.gateway.inviteMembers(BUSINESS_ID, ['new.hire@test.example'], 'MANAGER')).results,
      ).toEqual([{ email: 'new.hire@test.example', outcome: 'already_invited' }]);
      expect((await business()).invites).toContainEqual(
        expect.objectContaining({
          email: 'new.hire@test.example',
          role: 'MANAGER',
          status: 'PENDING',
        }),
      );
      expect(await actions()).toEqual([
        ['invite', 'new.hire@test.example', MANAGER.email, t.channel],
      ]);
    });

    it('cancels a pending invitation once; again, or an expired one, is already_absent', async () => {
      expect(await t.gateway.cancelInvite(BUSINESS_ID, 'pending@test.example')).toEqual({
        email: 'pending@test.example',
        outcome: 'cancelled',
      });
      expect((await t.gateway.cancelInvite(BUSINESS_ID, 'pending@test.example')).outcome).toBe(
        'already_absent',
      );
      expect((await t.gateway.cancelInvite(BUSINESS_ID, 'expired@test.example')).outcome).toBe(
        'already_absent',
      );
      expect(await actions()).toEqual([
        ['cancel_invite', 'pending@test.example', MANAGER.email, t.channel],
      ]);
    });

    it('throws the typed errors: member, asset, business not found; invalid request; permission denied', async () => {
      const member = await caught(() => t.gateway.changeRole(BUSINESS_ID, '404404', 'EMPLOYEE'));
      expect(member).toBeInstanceOf(MemberNotFound);
      expect((member as MemberNotFound).memberId).toBe('404404');
      expect(
        await caught(() => t.gateway.setAssetPermissions(BUSINESS_ID, '404404', '5491', ['ADMIN'])),
      ).toBeInstanceOf(MemberNotFound);
      expect(
        await caught(() => t.gateway.setAssetPermissions(BUSINESS_ID, '903', '0000', ['ADMIN'])),
      ).toBeInstanceOf(AssetNotFound);
      expect(
        await caught(() =>
          t.gateway.setAssetPermissions(BUSINESS_ID, '903', '5493', ['PROFILE_PUBLISHER']),
        ),
      ).toBeInstanceOf(InvalidRequest);
      expect(
        await caught(() => t.gateway.inviteMembers(BUSINESS_ID, ['not-an-email'], 'EMPLOYEE')),
      ).toBeInstanceOf(InvalidRequest);
      const other = await caught(() => t.gateway.fetchSnapshot(OTHER_BUSINESS_ID));
      expect(other).toBeInstanceOf(BusinessNotFound);
      expect((other as BusinessNotFound).businessId).toBe(OTHER_BUSINESS_ID);

      const employee = await t.employee();
      try {
        const denied = await caught(() => employee.removeMember(BUSINESS_ID, '904'));
        expect(denied).toBeInstanceOf(PermissionDenied);
      } finally {
        await employee.close();
      }
      // and nothing changed on Pinterest
      expect(await control.log()).toEqual([]);
    });
  });
}

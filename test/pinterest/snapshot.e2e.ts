import {
  BusinessNotFound,
  createPlaywrightGateway,
  PermissionDenied,
  type BusinessSnapshot,
  type PinterestBusinessGateway,
  type SnapshotProgress,
} from '@app/pinterest';
import { startSimulator, type RunningSimulator } from '@app/simulator';

import { pinterestSnapshotCommand } from '../../apps/cli/src/commands/pinterest-snapshot';
import {
  BUSINESS_ID,
  caught,
  EMPLOYEE,
  expectEvidence,
  MANAGER,
  OTHER_BUSINESS_ID,
  SimControl,
  tempDataDir,
} from './support';

describe('Pinterest snapshot through the Playwright gateway', () => {
  let sim: RunningSimulator;
  let control: SimControl;
  let gateway: PinterestBusinessGateway;
  const data = tempDataDir();

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

  it("reads the fixture's business exactly, field by field", async () => {
    // given the test fixture (see support.ts), read by its Manager
    // when taking a snapshot
    const snapshot = await gateway.fetchSnapshot(BUSINESS_ID);

    // then every member, invitation, asset, partner and grant is as the fixture says
    const expected: BusinessSnapshot = {
      businessId: BUSINESS_ID,
      businessName: 'Test Home & Garden',
      takenAt: expect.any(String) as unknown as string,
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
          email: EMPLOYEE.email,
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
      pendingInvites: [
        {
          email: 'pending@test.example',
          role: 'EMPLOYEE',
          status: 'PENDING',
          sentAt: '2024-07-01T00:00:00.000Z',
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
      assets: [
        { id: '5491', type: 'AD_ACCOUNT', name: 'US Ads' },
        { id: '5492', type: 'AD_ACCOUNT', name: 'EU Ads' },
        { id: '5493', type: 'AD_ACCOUNT', name: 'Unused Ads' },
        { id: '7001', type: 'PROFILE', name: 'Main profile' },
        { id: '8001', type: 'CATALOG', name: 'Products' },
      ],
      partners: [
        {
          id: '3001',
          name: 'Bright Agency',
          people: [{ id: '31', name: 'Pat Partner', email: 'pat@bright.example' }],
        },
        { id: '3002', name: 'Hidden Partner', people: null },
      ],
      grants: [
        {
          principalType: 'MEMBER',
          principalId: '903',
          assetId: '5491',
          permissions: ['ANALYST', 'CAMPAIGN_MANAGER'],
        },
        { principalType: 'MEMBER', principalId: '904', assetId: '5491', permissions: ['ADMIN'] },
        {
          principalType: 'PARTNER',
          principalId: '3001',
          assetId: '5491',
          permissions: ['ANALYST'],
        },
        { principalType: 'MEMBER', principalId: '901', assetId: '5492', permissions: ['ANALYST'] },
        {
          principalType: 'MEMBER',
          principalId: '905',
          assetId: '5492',
          permissions: ['FINANCE_MANAGER', 'AUDIENCE_MANAGER', 'CATALOGS_MANAGER'],
        },
        {
          principalType: 'MEMBER',
          principalId: '903',
          assetId: '7001',
          permissions: ['PROFILE_PUBLISHER'],
        },
        {
          principalType: 'MEMBER',
          principalId: '904',
          assetId: '8001',
          permissions: ['CATALOGS_MANAGER'],
        },
        {
          principalType: 'PARTNER',
          principalId: '3002',
          assetId: '8001',
          permissions: ['CATALOGS_MANAGER'],
        },
      ],
      warnings: [],
      complete: true,
      evidence: [],
    };
    expect(snapshot).toEqual(expected);
    expect(Date.parse(snapshot.takenAt)).not.toBeNaN();
    // and reading changed nothing
    expect(await control.log()).toEqual([]);
  });

  it('reads a business over many pages and matches the simulator state, reporting progress', async () => {
    // given a generated business of 230 people: three Employees pages of 100
    const bigId = '300000000000000003';
    await control.generate({
      businessId: bigId,
      members: 230,
      adAccounts: 12,
      grantsPerMember: 2,
      partners: 3,
      seed: 11,
      managerEmail: MANAGER.email,
      managerPassword: MANAGER.password,
    });
    const state = (await control.state()).businesses.find((b) => b.id === bigId)!;
    const progress: SnapshotProgress[] = [];

    // when taking its snapshot
    const snapshot = await gateway.fetchSnapshot(bigId, { onProgress: (p) => progress.push(p) });

    // then every member and every grant of the simulator is there, once
    expect(snapshot.members.map((m) => m.id).sort()).toEqual(state.members.map((m) => m.id).sort());
    const key = (principal: string, asset: string, perms: string[]): string =>
      `${principal}|${asset}|${[...perms].sort().join(',')}`;
    expect(
      snapshot.grants
        .filter((g) => g.principalType === 'MEMBER')
        .map((g) => key(g.principalId, g.assetId, g.permissions))
        .sort(),
    ).toEqual(state.grants!.map((g) => key(g.memberId, g.assetId, g.permissions)).sort());
    expect(snapshot.grants.filter((g) => g.principalType === 'PARTNER')).toHaveLength(
      state.partners!.reduce((n, p) => n + p.grants.length, 0),
    );
    expect(snapshot.warnings).toEqual([]);
    expect(snapshot.complete).toBe(true);
    // and progress went through every phase, ending with all members counted
    expect(new Set(progress.map((p) => p.phase))).toEqual(
      new Set(['business', 'members', 'assets', 'partners']),
    );
    const members = progress.filter((p) => p.phase === 'members');
    // (pages are read by two tabs at once, so the middle count depends on which came first)
    expect(members).toHaveLength(3);
    expect(members[0]).toEqual({ phase: 'members', done: 100, total: 231 });
    expect(members[1]!.done === 131 || members[1]!.done === 200).toBe(true);
    expect(members[2]).toEqual({ phase: 'members', done: 231, total: 231 });
  });

  it('reports a business the account is not part of as BusinessNotFound, with evidence', async () => {
    for (const id of [OTHER_BUSINESS_ID, '999999999999999999']) {
      const error = await caught(() => gateway.fetchSnapshot(id));
      expect(error).toBeInstanceOf(BusinessNotFound);
      expect((error as BusinessNotFound).businessId).toBe(id);
      expectEvidence((error as BusinessNotFound).evidence);
    }
  });

  it('refuses an Employee login the snapshot with PermissionDenied', async () => {
    // given a gateway logged in as an Employee of the business
    const employee = createPlaywrightGateway({ baseUrl: sim.url, dataDir: data.dir });
    try {
      await employee.login(EMPLOYEE);

      // when it tries to read the business
      const error = await caught(() => employee.fetchSnapshot(BUSINESS_ID));

      // then Pinterest's "You don't have permission" comes back typed, with evidence
      expect(error).toBeInstanceOf(PermissionDenied);
      expect(error.message).toMatch(/Manager/);
      expectEvidence((error as PermissionDenied).evidence);
    } finally {
      await employee.close();
    }
  });

  describe('the operator command `pinterest snapshot`', () => {
    const env = 'PINTEREST_E2E_PASSWORD';
    const dataDir = process.env.DATA_DIR;
    // The command keeps its evidence under DATA_DIR, as the service does: here, the test's.
    beforeEach(() => {
      process.env.DATA_DIR = data.dir;
    });
    afterEach(() => {
      delete process.env[env];
      if (dataDir === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = dataDir;
    });

    it('prints the snapshot as JSON and exits 0', async () => {
      // given the password in an environment variable
      process.env[env] = MANAGER.password;
      const lines: string[] = [];

      // when running the command
      const code = await pinterestSnapshotCommand(
        { baseUrl: sim.url, businessId: BUSINESS_ID, email: MANAGER.email, passwordEnv: env },
        (l) => lines.push(l),
      );

      // then it printed one JSON document of the business, and never the password
      expect(code).toBe(0);
      const printed = JSON.parse(lines.join('\n')) as BusinessSnapshot;
      expect(printed.businessId).toBe(BUSINESS_ID);
      expect(printed.members).toHaveLength(6);
      expect(lines.join('\n')).not.toContain(MANAGER.password);
    });

    it('exits 1 on a refused login without printing the password', async () => {
      process.env[env] = 'Wrong-Password-For-Cli';
      const lines: string[] = [];
      const code = await pinterestSnapshotCommand(
        { baseUrl: sim.url, businessId: BUSINESS_ID, email: MANAGER.email, passwordEnv: env },
        (l) => lines.push(l),
      );
      expect(code).toBe(1);
      expect(lines[0]).toMatch(/^error: InvalidCredentials/);
      // and it says where the evidence went
      expect(lines.find((l) => l.startsWith('screenshot: '))).toContain(data.dir);
      expect(lines.join('\n')).not.toContain('Wrong-Password-For-Cli');
    });

    it('exits 2 when the password variable is not set', async () => {
      const lines: string[] = [];
      const code = await pinterestSnapshotCommand(
        { baseUrl: sim.url, businessId: BUSINESS_ID, email: MANAGER.email, passwordEnv: env },
        (l) => lines.push(l),
      );
      expect(code).toBe(2);
      expect(lines).toEqual([`error: environment variable ${env} is not set`]);
    });
  });
});

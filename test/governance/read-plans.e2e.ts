import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventStore } from '@app/eventstore';
import {
  AccessService,
  allProjections,
  AUDIT_HISTORY,
  AUDIT_MEMBER_VERSIONS,
  AuditService,
  BUSINESS_READER,
  EXPIRIES,
  ExpiryScheduler,
  GuestsService,
  DEPROVISION_REPORT,
  DeprovisionService,
  DeprovisionAnnouncementProcess,
  NotificationsService,
  GovernanceModule,
  IdentityDirectory,
  IntegrationsService,
  MEMBERS,
  MembersQuery,
  type MembersPage,
  PinterestBusinessReader,
  ScimUsersService,
  SnapshotImporter,
  TaskEventsQuery,
  type MemberDoc,
} from '@app/governance';
import {
  AppConfigModule,
  CommandExecutor,
  PersistenceModule,
  ProjectionsModule,
  READ_MODEL_STORE,
} from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { Collection, FindOptions, ReadModelStore, Where } from '@app/readmodels';
import { SqliteReadModelStore } from '@app/readmodels/sqlite';
import { generateBusiness, DEFAULT_GENERATED_MANAGER } from '@app/simulator';
import { VaultModule } from '@app/vault';
import { observedOf } from '../../bench/support/observed';
import { MemberActionsService } from '../../libs/governance/src/actions/member-actions.service';
import { GuestSponsorProcess } from '../../libs/governance/src/guests/guest-sponsor.process';

/**
 * Every dashboard read, run through the real services over a real SQLite read-model store
 * filled by the real importer and projections; each statement the adapter issued for it is
 * explained, and a `SCAN` of a read-model table fails the test (the FTS5 virtual table and
 * json_each are virtual tables, looked up, not read through).
 */
type Query =
  | { find: FindOptions }
  | { count: Where | undefined }
  | { get: string }
  | { getMany: readonly string[] };

interface Issued {
  collection: string;
  query: Query;
}

const MEMBER_COUNT = 1_500;
const caller = {
  workspaceId: 'default',
  actor: 'plans',
  credentialId: 'plans',
  correlationId: 'read-plans',
};

describe('dashboard reads are served from indexes (no SCAN in their query plans)', () => {
  let app: INestApplicationContext;
  let dataDir: string;
  let store: SqliteReadModelStore;
  let integrationId: string;
  let memberTotal: number;
  let observed: ReturnType<typeof observedOf>;
  const issued: Issued[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'read-plans-'));
    const saved = { ...process.env };
    Object.assign(process.env, { DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '' });
    @Module({
      imports: [
        AppConfigModule,
        PersistenceModule,
        VaultModule,
        ProjectionsModule.forRoot({ projections: allProjections(), run: true }),
        GovernanceModule.forRoot({
          runWorkers: false,
          businessReader: {
            provide: BUSINESS_READER,
            // Never called: the snapshot is handed to the importer.
            useFactory: () =>
              new PinterestBusinessReader({ baseUrl: 'http://127.0.0.1:9', dataDir }),
          },
        }),
      ],
    })
    class PlansModule {}
    try {
      app = await NestFactory.createApplicationContext(PlansModule, { logger: ['error'] });
      await app.init();
    } finally {
      process.env = saved;
    }
    const fixture = generateBusiness({
      businessId: '900000000000000077',
      members: MEMBER_COUNT,
      adAccounts: 40,
      grantsPerMember: 3,
      partners: 0,
      seed: 77,
    });
    const integration = await app.get(IntegrationsService).connect(caller, {
      label: 'plans',
      businessId: fixture.id,
      loginMethod: 'password',
      automationAccount: {
        label: 'plans',
        email: DEFAULT_GENERATED_MANAGER.email,
        password: DEFAULT_GENERATED_MANAGER.password,
      },
    });
    integrationId = integration.id;
    memberTotal = fixture.members.length;
    observed = observedOf(fixture);
    await app.get(SnapshotImporter).import(observed, {
      workspaceId: 'default',
      integrationId,
      actor: 'plans',
      correlationId: 'plans',
      causationId: null,
    });
    const scim = app.get(ScimUsersService, { strict: false });
    for (let i = 0; i < 40; i++) {
      await scim.create(caller, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `person${i}@acme.test`,
        name: { givenName: i % 2 === 0 ? 'Ada' : 'Zoë', familyName: `Lovelace${i}` },
        emails: [{ value: `person${i}@acme.test`, primary: true }],
        active: i % 3 !== 0,
      });
    }
    const runner = app.get(ProjectionRunner);
    await runner.waitFor(await app.get(EventStore).headPosition(), 120_000);
    const readModels = app.get<ReadModelStore>(READ_MODEL_STORE);
    if (!(readModels instanceof SqliteReadModelStore)) throw new Error('expected the SQLite store');
    store = readModels;
    // Records what each read asks of the store, as the services ask it.
    const collection = store.collection.bind(store);
    store.collection = ((name: string) => {
      const real = collection(name);
      const record = (query: Query) => issued.push({ collection: name, query });
      return {
        ...real,
        name,
        get: (id: string) => (record({ get: id }), real.get(id)),
        getMany: (ids: readonly string[]) => (record({ getMany: ids }), real.getMany(ids)),
        find: (options: FindOptions = {}) => (record({ find: options }), real.find(options)),
        findJson: (options: FindOptions = {}) => (
          record({ find: options }),
          real.findJson(options)
        ),
        count: (where?: Where) => (record({ count: where }), real.count(where)),
        upsert: (doc) => real.upsert(doc),
        patch: (id, fields) => real.patch(id, fields),
        delete: (id) => real.delete(id),
        scan: () => real.scan(),
      } as Collection;
    }) as ReadModelStore['collection'];
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs a read and returns the plan of every statement it issued. */
  async function plansOf(
    read: () => Promise<unknown>,
  ): Promise<{ issued: Issued; plan: string[] }[]> {
    issued.length = 0;
    await read();
    return issued.map((each) => ({
      issued: each,
      plan: store.queryPlan(each.collection, each.query),
    }));
  }

  function expectNoScan(plans: { issued: Issued; plan: string[] }[]): void {
    expect(plans.length).toBeGreaterThan(0);
    for (const { issued: each, plan } of plans) {
      const scans = plan.filter((line) => /\bSCAN\b/.test(line) && !/VIRTUAL TABLE/.test(line));
      expect({ ...each, scans }).toEqual({ ...each, scans: [] });
    }
  }

  it('a tab page and the next one: one index range in name order, then the counts document', async () => {
    const members = app.get(MembersQuery);
    let cursor: string | null = null;
    const plans = await plansOf(async () => {
      const first = await members.page(integrationId, { tab: 'unmatched', limit: 50 });
      expect(first.items).toHaveLength(50);
      cursor = first.nextCursor;
      const next = await members.page(integrationId, {
        tab: 'unmatched',
        limit: 50,
        cursor: cursor ?? undefined,
      });
      expect(next.items[0].name >= first.items[49].name).toBe(true);
    });
    expectNoScan(plans);
    const finds = plans.filter((p) => p.issued.collection === MEMBERS && 'find' in p.issued.query);
    expect(finds).toHaveLength(2);
    for (const { plan } of finds) {
      expect(plan.join('\n')).toMatch(/SEARCH rm_members USING INDEX .*integrationId.*tab/);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('the tab page as the API sends it: the same plans, and the bytes of JSON.stringify(page)', async () => {
    const members = app.get(MembersQuery);
    const queries = [
      { tab: 'unmatched' as const, limit: 50 },
      { tab: 'unmatched' as const, limit: 7, search: 'corp' },
      { tab: 'unmatched' as const, limit: 50, search: 'ro' },
      { tab: 'onboarded' as const, limit: 50 },
    ];
    for (const query of queries) {
      let cursor: string | undefined;
      for (let page = 0; page < 3; page++) {
        // when the same page is read both ways (twice as JSON: built, then from the view cache)
        const plans = await plansOf(() => members.pageJson(integrationId, { ...query, cursor }));
        expectNoScan(plans);
        const object = await members.page(integrationId, { ...query, cursor });
        const text = await members.pageJson(integrationId, { ...query, cursor });
        // then
        expect(text).toBe(JSON.stringify(object));
        cursor = object.nextCursor ?? undefined;
        if (!cursor) break;
      }
    }
  });

  it.each([['rosa'], ['patel'], ['corp'], ['ro'], ['m']])(
    'a tab search for %p: the text index, then the tab index',
    async (term) => {
      const members = app.get(MembersQuery);
      const plans = await plansOf(async () => {
        const page = await members.page(integrationId, {
          tab: 'unmatched',
          limit: 50,
          search: term,
        });
        expect(page.items.length).toBeGreaterThan(0);
      });
      expectNoScan(plans);
    },
  );

  it('the tab counts: one document kept by the projection, equal to a recount', async () => {
    // given two members moved to Exempted
    const members = app.get(MembersQuery);
    const { items } = await members.page(integrationId, { tab: 'unmatched', limit: 2 });
    const actions = app.get(MemberActionsService, { strict: false });
    for (const member of items) {
      await actions.exempt(caller, integrationId, member.id, 'contractor kept by agreement');
    }
    await app.get(ProjectionRunner).waitFor(await app.get(EventStore).headPosition(), 60_000);
    // when
    const plans = await plansOf(() => members.counts(integrationId));
    // then the counts come from one document looked up by id
    expectNoScan(plans);
    expect(plans.map((p) => Object.keys(p.issued.query)[0])).toEqual(['get']);
    const counts = await members.counts(integrationId);
    const recount = store.collection<MemberDoc>(MEMBERS);
    expect(counts).toEqual({
      unmatched: await recount.count({ integrationId, tab: 'unmatched' }),
      onboarded: await recount.count({ integrationId, tab: 'onboarded' }),
      exempted: await recount.count({ integrationId, tab: 'exempted' }),
    });
    expect(counts.exempted).toBe(2);
    expect(counts.unmatched + counts.onboarded).toBe(memberTotal - 2);
  });

  it('the app cards', async () => {
    const plans = await plansOf(async () => {
      const cards = await app.get(IntegrationsService).list(caller);
      expect(cards.map((c) => c.id)).toEqual([integrationId]);
      expect(cards[0].memberCounts.exempted).toBe(2);
    });
    expectNoScan(plans);
  });

  it("GraphQL's batched lookups: cards, tab counts and matched identities by id, one read each", async () => {
    const directory = app.get(IdentityDirectory);
    const someIdentities = (await directory.list('default', { limit: 5 })).items.map((i) => i.id);
    const plans = await plansOf(async () => {
      const cards = await app.get(IntegrationsService).getMany(caller, [integrationId, 'nope']);
      expect(cards.map((c) => c.id)).toEqual([integrationId]);
      const found = await directory.getMany('default', someIdentities);
      expect(found).toHaveLength(someIdentities.length);
    });
    expectNoScan(plans);
    expect(plans.map((p) => `${p.issued.collection}.${Object.keys(p.issued.query)[0]}`)).toEqual([
      'integrations.getMany',
      'member_tab_counts.getMany',
      'identities.getMany',
    ]);
  });

  it('the identities list and its search, active or not, and its next page', async () => {
    const directory = app.get(IdentityDirectory);
    const plans = await plansOf(async () => {
      const all = await directory.list('default', { limit: 5 });
      await directory.list('default', { limit: 5, cursor: all.nextCursor ?? undefined });
      const found = await directory.list('default', { search: 'ADA lovelace1', limit: 50 });
      expect(found.items.length).toBeGreaterThan(0);
      expect(found.items.every((i) => /ada/i.test(i.searchText))).toBe(true);
      await directory.list('default', { search: 'zo', active: true, limit: 50 });
    });
    expectNoScan(plans);
  });

  it('the automation tasks list, by workspace, integration and status', async () => {
    const integrations = app.get(IntegrationsService);
    const plans = await plansOf(async () => {
      await integrations.tasksOf(caller, { limit: 50 });
      await integrations.tasksOf(caller, { integrationId, limit: 50 });
      await integrations.tasksOf(caller, { status: 'succeeded', limit: 50 });
      await integrations.tasksOf(caller, { integrationId, status: 'queued', limit: 50 });
    });
    expectNoScan(plans);
    expect(plans.filter((p) => 'find' in p.issued.query)).toHaveLength(4);
  });

  it('the deprovision report, by status and its next page, a dry run, and the leavers of an identity', async () => {
    const deprovision = app.get(DeprovisionService, { strict: false });
    const plans = await plansOf(async () => {
      const all = await deprovision.report(caller, integrationId, { limit: 50 });
      await deprovision.report(caller, integrationId, {
        limit: 50,
        cursor: all.nextCursor ?? undefined,
      });
      await deprovision.report(caller, integrationId, { status: 'pending', limit: 50 });
      await deprovision.apply(caller, integrationId, { dryRun: true });
      // The leavers process: every member matched to a deprovisioned identity.
      await store
        .collection<MemberDoc>(MEMBERS)
        .find({ where: { workspaceId: 'default', matchedIdentityId: 'identity-1' }, limit: 500 });
    });
    expectNoScan(plans);
    // The projection's own reads: the items a check will prove, and those it proved.
    expectNoScan(
      (
        [
          {
            find: {
              where: { integrationId, status: { in: ['removed', 'absent'] } },
              sort: [{ field: 'leftAt', direction: 'asc' }],
              limit: 1000,
            },
          },
          {
            find: {
              where: { integrationId, verificationTaskId: 'task-1' },
              sort: [{ field: 'id', direction: 'asc' }],
              limit: 1000,
            },
          },
        ] as Query[]
      ).map((query) => ({
        issued: { collection: DEPROVISION_REPORT, query },
        plan: store.queryPlan(DEPROVISION_REPORT, query),
      })),
    );
  });

  it('the notifications list, by workspace and status, and its next page', async () => {
    const notifications = app.get(NotificationsService, { strict: false });
    const plans = await plansOf(async () => {
      const first = await notifications.list(caller, { limit: 50 });
      await notifications.list(caller, { limit: 50, cursor: first.nextCursor ?? undefined });
      await notifications.list(caller, { status: 'failed', limit: 50 });
      await notifications.settings(caller);
    });
    expectNoScan(plans);
    expect(plans.filter((p) => 'find' in p.issued.query).length).toBeGreaterThanOrEqual(2);
  });

  it('the API keys and SCIM tokens lists, by workspace and kind in creation order', async () => {
    const access = app.get(AccessService, { strict: false });
    await access.bootstrap({
      adminApiKey: 'plans-admin-key-0123456789',
      scimToken: 'plans-scim-token-0123456789',
    });
    for (let i = 0; i < 3; i++) {
      await access.issueApiKey(
        'default',
        { name: `key ${i}`, role: 'auditor', person: { email: `k${i}@acme.test`, name: `K ${i}` } },
        { workspaceId: 'default', actor: 'plans' },
      );
    }
    await app.get(ProjectionRunner).waitFor(await app.get(EventStore).headPosition(), 60_000);
    const plans = await plansOf(async () => {
      expect(await access.list('default', 'api_key')).toHaveLength(4);
      await access.list('default', 'scim_token');
    });
    expectNoScan(plans);
    expect(plans).toHaveLength(2);
  });

  it("the leaver announcement's read of the report's pending items, oldest first", async () => {
    const announcements = app.get(DeprovisionAnnouncementProcess, { strict: false });
    const plans = await plansOf(() => announcements.unannounced('default', integrationId));
    expectNoScan(plans);
    for (const { plan } of plans) expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('shows an asset renamed by a later check on the next page (the asset cache follows the projection)', async () => {
    // given a page read (and its assets cached)
    const members = app.get(MembersQuery);
    const before = await members.page(integrationId, { tab: 'unmatched', limit: 5 });
    const assetId = before.items[0].assets[0].assetId;
    // when a check observes the asset under a new name
    await app.get(SnapshotImporter).import(
      {
        ...observed,
        assets: observed.assets.map((a) =>
          a.assetId === assetId ? { ...a, name: 'Renamed account' } : a,
        ),
      },
      {
        workspaceId: 'default',
        integrationId,
        actor: 'plans',
        correlationId: 'plans-rename',
        causationId: null,
      },
    );
    await app.get(ProjectionRunner).waitFor(await app.get(EventStore).headPosition(), 60_000);
    // then
    const after = await members.page(integrationId, { tab: 'unmatched', limit: 5 });
    const asset = after.items[0].assets.find((a) => a.assetId === assetId);
    expect(asset?.name).toBe('Renamed account');
    const text = await members.pageJson(integrationId, { tab: 'unmatched', limit: 5 });
    expect(text).toBe(JSON.stringify(after));
  });

  it('shows a member changed since its view was cached (the view cache follows the document)', async () => {
    // given a page read as JSON (its views cached)
    const members = app.get(MembersQuery);
    const before = JSON.parse(
      await members.pageJson(integrationId, { tab: 'unmatched', limit: 3 }),
    ) as MembersPage;
    const member = before.items[0];
    // when the member is exempted, then an exemption on the next page of the other tab
    const actions = app.get(MemberActionsService, { strict: false });
    await actions.exempt(caller, integrationId, member.id, 'kept for the cache test');
    await app.get(ProjectionRunner).waitFor(await app.get(EventStore).headPosition(), 60_000);
    // then both tabs and the counts say so, as the object page does
    const unmatched = await members.pageJson(integrationId, { tab: 'unmatched', limit: 3 });
    const exempted = await members.pageJson(integrationId, { tab: 'exempted', limit: 50 });
    expect(unmatched).toBe(
      JSON.stringify(await members.page(integrationId, { tab: 'unmatched', limit: 3 })),
    );
    expect(exempted).toBe(
      JSON.stringify(await members.page(integrationId, { tab: 'exempted', limit: 50 })),
    );
    const moved = (JSON.parse(exempted) as MembersPage).items.find((m) => m.id === member.id);
    expect(moved).toMatchObject({
      tab: 'exempted',
      exemption: { reason: 'kept for the cache test' },
    });
    expect((JSON.parse(unmatched) as MembersPage).counts.unmatched).toBe(
      before.counts.unmatched - 1,
    );
  });

  it('the expiry sweep, a sponsor’s guests and SCIM’s own list (without the guests)', async () => {
    // given a guest sponsored by an active identity and an exemption that ends
    const directory = app.get(IdentityDirectory);
    const [sponsor] = await directory.findByUserName('default', 'person1@acme.test');
    const inAWeek = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
    const guest = await app.get(GuestsService).invite(caller, {
      name: 'Gina Guest',
      email: 'gina@partner.example',
      kind: 'guest',
      sponsorIdentityId: sponsor.id,
      expiresAt: inAWeek,
    });
    const members = app.get(MembersQuery);
    const [member] = (await members.page(integrationId, { tab: 'unmatched', limit: 1 })).items;
    await app
      .get(MemberActionsService, { strict: false })
      .exempt(caller, integrationId, member.id, 'launch week', inAWeek);
    await app.get(ProjectionRunner).waitFor(await app.get(EventStore).headPosition(), 60_000);

    // a sponsor's guests: the saga's lookup
    const sponsors = app.get(GuestSponsorProcess, { strict: false });
    const sponsored = await plansOf(async () => {
      const guests = await sponsors.guestsOf('default', sponsor.id);
      expect(guests.map((g) => g.id)).toEqual([`guest:${guest.id}`]);
    });
    expectNoScan(sponsored);
    expect(sponsored.every((p) => p.issued.collection === EXPIRIES)).toBe(true);

    // SCIM's list and count leave the guest out
    const scim = app.get(ScimUsersService, { strict: false });
    const listed = await plansOf(async () => {
      const page = (await scim.list(caller, { count: '100' }, 'http://x')) as {
        totalResults: number;
        Resources: { id: string }[];
      };
      expect(page.totalResults).toBe(40);
      expect(page.Resources.map((r) => r.id)).not.toContain(guest.id);
    });
    expectNoScan(listed);

    // the sweep: everything due, oldest first (here, a week from now)
    const scheduler = new ExpiryScheduler(app.get(CommandExecutor), store);
    const swept = await plansOf(async () => {
      expect(await scheduler.sweep(new Date(Date.now() + 8 * 24 * 3600 * 1000).toISOString())).toBe(
        2,
      );
    });
    expectNoScan(swept.filter((p) => p.issued.collection === EXPIRIES));
    expect(swept.filter((p) => p.issued.collection === EXPIRIES)).toHaveLength(1);
  });

  it('a task’s events and their next page: one index range in the task’s order', async () => {
    // Given a check asked for (no worker runs here: its request and queued task are the events)
    const { taskId } = await app
      .get(IntegrationsService)
      .checkForUpdates(caller, integrationId, 'web_app', { confirmDepartures: false });
    await app.get(ProjectionRunner).waitFor(await app.get(EventStore).headPosition(), 30_000);
    const query = app.get(TaskEventsQuery, { strict: false });
    const plans = await plansOf(async () => {
      const first = await query.page(caller, taskId, { limit: 1 });
      expect(first.items.map((e) => e.type)).toEqual(['AutomationTaskQueued']);
      const next = await query.page(caller, taskId, {
        limit: 1,
        cursor: first.nextCursor ?? undefined,
      });
      expect(next.items.map((e) => e.type)).toEqual(['CheckForUpdatesRequested']);
    });
    expectNoScan(plans);
    expect(plans.filter((p) => 'find' in p.issued.query)).toHaveLength(2);
  });

  it('the audit reads: histories, access at an instant, a tab as of an instant, access changes, partners', async () => {
    const audit = app.get(AuditService);
    const members = app.get(MembersQuery);
    const { items } = await members.page(integrationId, { tab: 'unmatched', limit: 1 });
    const memberId = items[0].id;
    const assetId = items[0].assets[0].assetId;
    const identity = (await app.get(IdentityDirectory).list('default', { limit: 1 })).items[0];
    const at = new Date().toISOString();
    // Events appended together share an instant: the instant resolves to the last of them.
    expect((await audit.pointAt(at)).position).toBe(await app.get(EventStore).headPosition());
    const plans = await plansOf(async () => {
      const history = await audit.memberHistory(caller, integrationId, memberId, { limit: 2 });
      expect(history.items[0].type).toBe('MemberDiscovered');
      await audit.memberHistory(caller, integrationId, memberId, {
        limit: 2,
        cursor: history.nextCursor ?? undefined,
      });
      await audit.identityHistory(caller, identity.id, { limit: 50 });
      const onAsset = await audit.accessAt(caller, integrationId, { at, assetId, limit: 50 });
      expect(onAsset.items.length).toBeGreaterThan(0);
      await audit.accessAt(caller, integrationId, { at, limit: 50 });
      const tab = await audit.tabAsOf(caller, integrationId, {
        tab: 'unmatched',
        asOf: at,
        limit: 50,
      });
      expect(tab.items).toHaveLength(50);
      await audit.tabAsOf(caller, integrationId, {
        tab: 'unmatched',
        asOf: at,
        limit: 50,
        cursor: tab.nextCursor ?? undefined,
      });
      await audit.accessChanges(caller, { integrationId, to: at, limit: 50 });
      await audit.accessChanges(caller, { to: at, limit: 50 });
      await audit.accessChanges(caller, { memberId, limit: 50 });
      await audit.partners(caller, integrationId, { at, limit: 50 });
      // the deprovision report as of a point (its evidence export): leavers, their events
      await audit.reportAt(integrationId, await audit.pointAt(at));
    });
    expectNoScan(plans);
    // The same export's reads per leaver (this history has none): its events, its version then.
    expectNoScan(
      (
        [
          [
            AUDIT_HISTORY,
            {
              find: {
                where: { subject: `member:${memberId}`, seq: { lte: 1000 } },
                sort: [{ field: 'seq', direction: 'asc' }],
                limit: 500,
              },
            },
          ],
          [
            AUDIT_MEMBER_VERSIONS,
            {
              find: {
                where: { memberId, fromSeq: { lte: 1000 } },
                sort: [{ field: 'fromSeq', direction: 'desc' }],
                limit: 1,
              },
            },
          ],
        ] as [string, Query][]
      ).map(([collection, query]) => ({
        issued: { collection, query },
        plan: store.queryPlan(collection, query),
      })),
    );
  });
});

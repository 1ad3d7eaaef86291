import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventStore } from '@app/eventstore';
import {
  allProjections,
  BUSINESS_READER,
  GovernanceModule,
  IdentityDirectory,
  IntegrationsService,
  MEMBERS,
  MembersQuery,
  type MembersPage,
  PinterestBusinessReader,
  ScimUsersService,
  SnapshotImporter,
  type MemberDoc,
} from '@app/governance';
import {
  AppConfigModule,
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
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BusinessFixture } from '@app/simulator';
import {
  ADMIN_KEY,
  eventually,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { fixtureOf, trickyBusiness } from './fixture';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

interface Task {
  id: string;
  status: string;
}
interface AccessItem {
  memberId: string | null;
  name: string;
  email: string;
  tab: string;
  businessRole: string;
  permissions: string[];
  since: string;
  sinceBy: string;
  sinceHow: string;
  partnerId: string | null;
}
interface AccessPage {
  at: string;
  position: string | null;
  items: AccessItem[];
  nextCursor: string | null;
}
interface HistoryItem {
  position: string;
  type: string;
  actor: string;
  reason: string | null;
  summary: string;
  recordedAt: string;
  memberId: string | null;
  correlationId: string;
  data: Record<string, unknown>;
}
interface HistoryPage {
  position: string | null;
  items: HistoryItem[];
  nextCursor: string | null;
}
interface TabPage {
  at: string;
  position: string | null;
  items: { id: string; name: string; tab: string; assets: { name: string | null }[] }[];
  nextCursor: string | null;
  counts: { unmatched: number; onboarded: number; exempted: number };
}
interface ExportMeta {
  id: string;
  kind: string;
  position: string | null;
  sha256: string;
  bytes: number;
  format: string;
}
interface ErrorBody {
  statusCode: number;
  message: string;
  details: { field: string };
}

const FORMULA_NAME = '=HYPERLINK("http://evil.example")';

/** The business as checked first: a partner with one person, a member whose name is a formula. */
function firstBusiness(): BusinessFixture {
  const base = trickyBusiness();
  return {
    ...base,
    members: [
      ...base.members,
      { id: '1006', name: FORMULA_NAME, email: 'formula@acme.example', role: 'EMPLOYEE' },
    ],
    grants: [
      ...(base.grants ?? []),
      { memberId: '1006', assetId: '5001', permissions: ['ANALYST'] },
    ],
    partners: [
      {
        id: '777000111',
        name: 'Agency Partners',
        grants: [{ assetId: '5001', permissions: ['ANALYST'] }],
        members: [{ id: '9001', name: 'Paula Agency', email: 'paula@agency.example' }],
      },
    ],
  };
}

/**
 * What someone changed on Pinterest itself before the second check: Ann lost ADMIN on Acme US,
 * Bob was given Campaign on it, Carol went from Manager to Employee.
 */
function secondBusiness(): BusinessFixture {
  const first = firstBusiness();
  return {
    ...first,
    members: first.members.map((m) => (m.id === '1003' ? { ...m, role: 'EMPLOYEE' } : m)),
    grants: [
      ...(first.grants ?? []).map((g) =>
        g.memberId === '1001' && g.assetId === '5001' ? { ...g, permissions: ['ANALYST'] } : g,
      ),
      { memberId: '1002', assetId: '5001', permissions: ['CAMPAIGN_MANAGER'] },
    ],
  } as BusinessFixture;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An instant strictly between what was recorded before and what comes after. */
async function mark(): Promise<string> {
  await pause(30);
  const at = new Date().toISOString();
  await pause(30);
  return at;
}

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ['-r', join(ROOT, 'tools/register.js'), join(ROOT, 'apps/cli/src/main.ts'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '' },
        timeout: 120_000,
      },
    );
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('audit reads and evidence exports over a scripted history (simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let dataDir: string;
  let integrationId: string;
  let annIdentity: string;
  const member: Record<string, string> = {};
  const t: Record<string, string> = {};

  const runCheck = async (): Promise<void> => {
    const res = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(res.status).toBe(202);
    const task = await eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${res.body.taskId}`)).body,
      (x) => x.status === 'completed' || x.status === 'not_completed',
      60_000,
    );
    expect(task.status).toBe('completed');
  };
  const settle = async () => {
    const head = await svc.head();
    await eventually(
      async () =>
        (await svc.api<AccessPage>('GET', `/api/integrations/${integrationId}/access`)).body
          .position,
      (p) => p === head,
      20_000,
    );
  };
  const access = (query: string) =>
    svc.api<AccessPage>('GET', `/api/integrations/${integrationId}/access?${query}`);
  const names = (page: { items: { name: string }[] }) => page.items.map((i) => i.name);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
    svc = await startService(fixtureOf(firstBusiness()), { DATA_DIR: dataDir });
    t.beforeConnect = await mark();
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: firstBusiness().id,
      loginMethod: 'password',
      automationAccount: {
        label: 'robot',
        email: 'robot@acme.example',
        password: 'robot-password-1',
      },
    });
    expect(connected.status).toBe(201);
    integrationId = connected.body.id;
    t.beforeFirstCheck = await mark();

    // check 1: everyone discovered
    await runCheck();
    await settle();
    t.afterCheck1 = await mark();
    const all = await svc.api<{ items: { id: string; name: string }[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=unmatched&limit=50`,
    );
    for (const m of all.body.items) member[m.name.split(' ')[0]] = m.id;

    // Ann's identity arrives from the IdP: she is matched
    const provisioned = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ann.lee@acme.example',
      name: { givenName: 'Ann', familyName: 'Lee' },
      emails: [{ value: 'ann.lee@acme.example', primary: true }],
      active: true,
    });
    expect(provisioned.status).toBe(201);
    annIdentity = provisioned.body.id;
    await eventually(
      async () =>
        (
          await svc.api<{ tab: string }>(
            'GET',
            `/api/integrations/${integrationId}/members/${member.Ann}`,
          )
        ).body.tab,
      (tab) => tab === 'onboarded',
    );
    await settle();
    t.afterMatch = await mark();

    // changes made on Pinterest, seen by check 2
    const reset = await fetch(`${svc.simulator.url}/__sim/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtureOf(secondBusiness())),
    });
    expect(reset.status).toBe(200);
    await runCheck();
    await settle();
    t.afterCheck2 = await mark();

    // Dan exempted, Eve removed through the service
    const exempt = await svc.api(
      'POST',
      `/api/integrations/${integrationId}/members/${member.Dan}/exempt`,
      { reason: 'agency contractor, kept by contract' },
    );
    expect(exempt.status).toBe(200);
    const removal = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/members/${member.Eve}/remove`,
    );
    expect(removal.status).toBe(202);
    await eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${removal.body.taskId}`)).body,
      (x) => x.status === 'completed',
      60_000,
    );
    await settle();
    t.afterRemoval = await mark();
  }, 240_000);

  afterAll(async () => {
    await svc?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('access at an instant', () => {
    it('on Acme US (5001), after each step, with permissions and since', async () => {
      const at1 = (await access(`assetId=5001&at=${t.afterCheck1}`)).body;
      expect(at1.items.map((i) => [i.name, i.tab, i.permissions, i.partnerId !== null])).toEqual([
        [FORMULA_NAME, 'unmatched', ['ANALYST'], false],
        ['Ann Lee', 'unmatched', ['ADMIN', 'ANALYST'], false],
        ['Dan Outsider', 'unmatched', ['CAMPAIGN_MANAGER'], false],
        ['Paula Agency', 'partner', ['ANALYST'], true],
      ]);
      expect(at1.position).not.toBeNull();

      const at2 = (await access(`assetId=5001&at=${t.afterMatch}`)).body;
      expect(at2.items.find((i) => i.name === 'Ann Lee')?.tab).toBe('onboarded');

      const at3 = (await access(`assetId=5001&at=${t.afterCheck2}`)).body;
      expect(at3.items.map((i) => [i.name, i.permissions])).toEqual([
        [FORMULA_NAME, ['ANALYST']],
        ['Ann Lee', ['ANALYST']],
        ['Bob Stone', ['CAMPAIGN_MANAGER']],
        ['Dan Outsider', ['CAMPAIGN_MANAGER']],
        ['Paula Agency', ['ANALYST']],
      ]);
      const ann = at3.items.find((i) => i.name === 'Ann Lee')!;
      const bob = at3.items.find((i) => i.name === 'Bob Stone')!;
      // Ann's access is unbroken since the first check; Bob's began with the second.
      expect(ann.since > t.beforeFirstCheck && ann.since < t.afterCheck1).toBe(true);
      expect(bob.since > t.afterMatch && bob.since < t.afterCheck2).toBe(true);
      expect([ann.sinceBy, ann.sinceHow, bob.sinceBy, bob.sinceHow]).toEqual([
        'admin',
        'observed',
        'pinterest',
        'observed',
      ]);

      const at4 = (await access(`assetId=5001&at=${t.afterRemoval}`)).body;
      expect(at4.items.find((i) => i.name === 'Dan Outsider')?.tab).toBe('exempted');
    });

    it('on the business: everyone present, Eve gone after her removal, partner people included', async () => {
      const everyone = [
        FORMULA_NAME,
        'Acme Robot',
        'Ann Lee',
        'Bob Stone',
        'Carol Diaz',
        'Dan Outsider',
        'Eve Park',
        'Paula Agency',
      ];
      expect(names((await access(`at=${t.afterCheck1}`)).body)).toEqual(everyone);
      const carol1 = (await access(`at=${t.afterCheck1}`)).body.items.find(
        (i) => i.name === 'Carol Diaz',
      );
      expect(carol1?.businessRole).toBe('manager');
      const carol3 = (await access(`at=${t.afterCheck2}`)).body.items.find(
        (i) => i.name === 'Carol Diaz',
      );
      expect(carol3?.businessRole).toBe('employee');
      expect(names((await access(`at=${t.afterRemoval}`)).body)).toEqual(
        everyone.filter((n) => n !== 'Eve Park'),
      );
      expect(names((await access('')).body)).toEqual(everyone.filter((n) => n !== 'Eve Park'));
    });

    it('pages with limit and nextCursor, every page at the first page position', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let position: string | null = null;
      let pages = 0;
      do {
        const page: AccessPage = (
          await access(`at=${t.afterCheck1}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        ).body;
        position ??= page.position;
        expect(page.position).toBe(position);
        seen.push(...names(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(8);
      expect((await access('limit=0')).status).toBe(400);
      expect((await access('limit=501')).status).toBe(400);
      const bad = await access('cursor=nonsense');
      expect(bad.status).toBe(400);
    });

    it('before the first check: 200 with no items; a future or malformed instant: 400 naming it', async () => {
      const before = await access(`at=${t.beforeConnect}`);
      expect(before.status).toBe(200);
      expect(before.body.items).toEqual([]);
      const future = await access(`at=${new Date(Date.now() + 3_600_000).toISOString()}`);
      expect(future.status).toBe(400);
      expect((future.body as unknown as ErrorBody).details.field).toBe('at');
      const malformed = await access('at=yesterday');
      expect(malformed.status).toBe(400);
      expect((malformed.body as unknown as ErrorBody).details.field).toBe('at');
    });
  });

  describe('a tab as of an instant', () => {
    const tabAt = (tab: string, asOf: string, extra = '') =>
      svc.api<TabPage>(
        'GET',
        `/api/integrations/${integrationId}/members?tab=${tab}&asOf=${asOf}${extra}`,
      );

    it('shows each tab as it was, with the counts of then', async () => {
      const u1 = (await tabAt('unmatched', t.afterCheck1)).body;
      expect(names(u1)).toEqual([
        FORMULA_NAME,
        'Acme Robot',
        'Ann Lee',
        'Bob Stone',
        'Carol Diaz',
        'Dan Outsider',
        'Eve Park',
      ]);
      expect(u1.counts).toEqual({ unmatched: 7, onboarded: 0, exempted: 0 });
      expect(names((await tabAt('onboarded', t.afterCheck1)).body)).toEqual([]);
      const o2 = (await tabAt('onboarded', t.afterMatch)).body;
      expect(names(o2)).toEqual(['Ann Lee']);
      expect(o2.counts).toEqual({ unmatched: 6, onboarded: 1, exempted: 0 });
      expect(names((await tabAt('exempted', t.afterCheck2)).body)).toEqual([]);
      const e4 = (await tabAt('exempted', t.afterRemoval)).body;
      expect(names(e4)).toEqual(['Dan Outsider']);
      expect(e4.counts).toEqual({ unmatched: 4, onboarded: 1, exempted: 1 });
      expect(names((await tabAt('unmatched', t.afterRemoval)).body)).toEqual([
        FORMULA_NAME,
        'Acme Robot',
        'Bob Stone',
        'Carol Diaz',
      ]);
    });

    it('pages like the live tab', async () => {
      const first = (await tabAt('unmatched', t.afterCheck1, '&limit=4')).body;
      expect(first.items).toHaveLength(4);
      const second = (
        await tabAt('unmatched', t.afterCheck1, `&limit=4&cursor=${first.nextCursor}`)
      ).body;
      expect(names(second)).toEqual(['Carol Diaz', 'Dan Outsider', 'Eve Park']);
      expect(second.nextCursor).toBeNull();
      const future = await tabAt('unmatched', '2999-01-01T00:00:00Z');
      expect(future.status).toBe(400);
      expect((future.body as unknown as ErrorBody).details.field).toBe('asOf');
    });
  });

  describe('histories', () => {
    it("Ann's history: discovered, matched, ADMIN removed on Pinterest", async () => {
      const res = await svc.api<HistoryPage>(
        'GET',
        `/api/integrations/${integrationId}/members/${member.Ann}/history`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.map((i) => [i.type, i.actor])).toEqual([
        // the first check's discoveries are the requester's; later drift is Pinterest's
        ['MemberDiscovered', 'admin'],
        ['MemberMatched', expect.any(String)],
        ['MemberAssetPermissionsChanged', 'pinterest'],
      ]);
      expect(res.body.items[2].summary).toBe(
        'Pinterest (observed by a check) removed ADMIN on Acme US for Ann Lee',
      );
      expect(res.body.position).toBe(await svc.head());
      const paged = await svc.api<HistoryPage>(
        'GET',
        `/api/integrations/${integrationId}/members/${member.Ann}/history?limit=2`,
      );
      expect(paged.body.items).toHaveLength(2);
      const rest = await svc.api<HistoryPage>(
        'GET',
        `/api/integrations/${integrationId}/members/${member.Ann}/history?limit=2&cursor=${paged.body.nextCursor}`,
      );
      expect(rest.body.items.map((i) => i.type)).toEqual(['MemberAssetPermissionsChanged']);
      expect(rest.body.nextCursor).toBeNull();
    });

    it("Eve's history ends with her removal by the admin key, Dan's with his exemption", async () => {
      const eve = await svc.api<HistoryPage>(
        'GET',
        `/api/integrations/${integrationId}/members/${member.Eve}/history`,
      );
      const types = eve.body.items.map((i) => i.type);
      expect(types[0]).toBe('MemberDiscovered');
      expect(types).toContain('MemberRemovalRequested');
      const removed = eve.body.items[eve.body.items.length - 1];
      expect([removed.type, removed.actor, removed.data.outcome]).toEqual([
        'MemberRemoved',
        'admin',
        'removed',
      ]);
      expect(removed.summary).toBe(
        "admin key 'admin' removed Eve Park from the business (CATALOGS_MANAGER on Acme Catalog ended)",
      );
      const dan = await svc.api<HistoryPage>(
        'GET',
        `/api/integrations/${integrationId}/members/${member.Dan}/history`,
      );
      const last = dan.body.items[dan.body.items.length - 1];
      expect([last.type, last.reason]).toEqual([
        'MemberExempted',
        'agency contractor, kept by contract',
      ]);
    });

    it("the identity's history: provisioned, then the member matched to it", async () => {
      const res = await svc.api<HistoryPage>('GET', `/api/identities/${annIdentity}/history`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((i) => [i.type, i.memberId])).toEqual([
        ['MemberDiscovered', member.Ann],
        ['IdentityProvisioned', null],
        ['MemberMatched', member.Ann],
        ['MemberAssetPermissionsChanged', member.Ann],
      ]);
      const unknown = await svc.api('GET', `/api/identities/${member.Ann}/history`);
      expect(unknown.status).toBe(404);
    });
  });

  describe('access changes and partners', () => {
    const changes = (query: string) =>
      svc.api<HistoryPage & { from: string | null; to: string }>(
        'GET',
        `/api/access-changes?integrationId=${integrationId}&${query}`,
      );

    it('lists what changed in a window, by asset and by member', async () => {
      const check2 = (await changes(`from=${t.afterMatch}&to=${t.afterCheck2}`)).body;
      expect(
        check2.items
          .map(
            (i) =>
              `${i.type} ${i.memberId === member.Carol ? 'Carol' : i.memberId === member.Ann ? 'Ann' : i.memberId === member.Bob ? 'Bob' : '?'} ${i.actor}`,
          )
          .sort(),
      ).toEqual([
        'MemberAssetPermissionsChanged Ann pinterest',
        'MemberAssetPermissionsChanged Bob pinterest',
        'MemberBusinessRoleChanged Carol pinterest',
      ]);
      const onAsset = (await changes(`from=${t.afterMatch}&to=${t.afterCheck2}&assetId=5001`)).body;
      expect(onAsset.items.map((i) => i.memberId).sort()).toEqual([member.Ann, member.Bob].sort());
      const last = (await changes(`from=${t.afterCheck2}&to=${t.afterRemoval}`)).body;
      expect(last.items.map((i) => [i.type, i.memberId, i.actor])).toEqual([
        ['MemberExempted', member.Dan, 'admin'],
        ['MemberRemoved', member.Eve, 'admin'],
      ]);
      const eve = (await changes(`memberId=${member.Eve}`)).body;
      expect(eve.items.map((i) => i.type)).toEqual(['MemberDiscovered', 'MemberRemoved']);
      const reversed = await changes(`from=${t.afterRemoval}&to=${t.afterCheck1}`);
      expect(reversed.status).toBe(400);
    });

    it('lists the partner businesses reaching our assets, as of now or an instant', async () => {
      const before = await svc.api<{ items: unknown[] }>(
        'GET',
        `/api/integrations/${integrationId}/partners?at=${t.beforeFirstCheck}`,
      );
      expect(before.body.items).toEqual([]);
      const now = await svc.api<{ items: unknown[]; position: string }>(
        'GET',
        `/api/integrations/${integrationId}/partners`,
      );
      expect(now.body.items).toEqual([
        {
          partnerId: '777000111',
          name: 'Agency Partners',
          assets: [{ assetId: '5001', assetName: 'Acme US', permissions: ['ANALYST'] }],
          people: [{ name: 'Paula Agency', email: 'paula@agency.example' }],
          since: expect.any(String),
        },
      ]);
    });
  });

  describe('evidence exports', () => {
    it('refuses bad requests by field', async () => {
      const cases: [unknown, string][] = [
        [{ kind: 'tab', format: 'csv', params: { integrationId } }, 'params.tab'],
        [{ kind: 'tab', format: 'xml', params: { integrationId, tab: 'unmatched' } }, 'format'],
        [{ kind: 'access_at', format: 'csv', params: { integrationId, x: '1' } }, 'params.x'],
        [
          { kind: 'access_at', format: 'csv', params: { integrationId }, position: 'abc' },
          'position',
        ],
        [{ kind: 'deprovision_report', format: 'csv', params: {} }, 'params.integrationId'],
        [
          { kind: 'deprovision_report', format: 'csv', params: { integrationId, status: 'x' } },
          'params.status',
        ],
      ];
      const head = await svc.head();
      for (const [body, field] of cases) {
        const res = await svc.api<ErrorBody & { details: unknown }>('POST', '/api/exports', body);
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.details)).toContain(field);
      }
      expect(await svc.head()).toBe(head);
      const unknown = await svc.api('GET', '/api/exports/9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d');
      expect(unknown.status).toBe(404);
    });

    it('exports a tab as of a position the way the tab reads it', async () => {
      const position = (await access(`at=${t.afterCheck2}`)).body.position!;
      const res = await svc.api<ExportMeta>('POST', '/api/exports', {
        kind: 'tab',
        params: { integrationId, tab: 'unmatched' },
        format: 'ndjson',
        position,
      });
      expect(res.status).toBe(201);
      const content = await fetch(`${svc.url}/api/exports/${res.body.id}/content`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      const lines = (await content.text()).split('\n');
      expect(JSON.parse(lines[0]).evidenceExport).toEqual({
        format: 'ndjson',
        formatVersion: 2,
        kind: 'tab',
        params: { integrationId, tab: 'unmatched' },
        position,
        workspaceId: 'default',
      });
      expect(lines.slice(1, -1).map((l) => (JSON.parse(l) as { name: string }).name)).toEqual([
        FORMULA_NAME,
        'Acme Robot',
        'Bob Stone',
        'Carol Diaz',
        'Dan Outsider',
        'Eve Park',
      ]);
    });

    it('gives the same bytes after 1,000 more events, a rebuild of every projection and a restart; verify catches one flipped byte', async () => {
      // given an access export at a past position, and a tab export in CSV
      const at3 = (await access(`at=${t.afterCheck2}`)).body.position!;
      const requested = await svc.api<ExportMeta>('POST', '/api/exports', {
        kind: 'access_at',
        params: { integrationId, assetId: '5001' },
        format: 'csv',
        position: at3,
      });
      expect(requested.status).toBe(201);
      expect(requested.body.position).toBe(at3);
      const content = await fetch(`${svc.url}/api/exports/${requested.body.id}/content`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(content.status).toBe(200);
      expect(content.headers.get('etag')).toBe(`"${requested.body.sha256}"`);
      const bytes = Buffer.from(await content.arrayBuffer());
      expect(bytes.length).toBe(requested.body.bytes);
      const lines = bytes.toString('utf8').split('\n');
      expect(lines[0].startsWith('# {"evidenceExport":{"format":"csv","formatVersion":2')).toBe(
        true,
      );
      expect(lines[1]).toBe(
        '"memberId","partnerId","name","email","tab","businessRole","permissions","since","sincePosition","sinceBy","sinceHow"',
      );
      // the formula is escaped, its quotes doubled
      expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
      expect(lines.slice(2, -1).map((l) => l.split('","')[2])).toEqual([
        `'=HYPERLINK(""http://evil.example"")`,
        'Ann Lee',
        'Bob Stone',
        'Dan Outsider',
        'Paula Agency',
      ]);
      expect(bytes.toString('utf8').endsWith('\n')).toBe(true);
      expect(bytes.includes('\r')).toBe(false);
      const history = await svc.api<ExportMeta>('POST', '/api/exports', {
        kind: 'member_history',
        params: { integrationId, memberId: member.Ann },
        format: 'ndjson',
      });
      expect(history.status).toBe(201);

      // when 1,000 more events are appended (Dan exempted and unexempted 500 times)
      for (let i = 0; i < 500; i++) {
        const path = `/api/integrations/${integrationId}/members/${member.Dan}`;
        expect((await svc.api('POST', `${path}/unexempt`, {})).status).toBe(200);
        expect((await svc.api('POST', `${path}/exempt`, { reason: `round ${i}` })).status).toBe(
          200,
        );
      }
      const again = await svc.api<ExportMeta>('POST', '/api/exports', {
        kind: 'access_at',
        params: { integrationId, assetId: '5001' },
        format: 'csv',
        position: at3,
      });
      expect(again.body.sha256).toBe(requested.body.sha256);

      // and every projection is rebuilt, with the service stopped, then the service restarted
      await svc.app.close();
      const rebuilt = await cli(dataDir, 'projections', 'rebuild', 'all');
      expect(rebuilt.code).toBe(0);
      await svc.simulator.close();
      const restarted = await startService(fixtureOf(secondBusiness()), { DATA_DIR: dataDir });
      svc = restarted;

      // then the same request gives the same bytes, and the first export still serves them
      const afterRestart = await svc.api<ExportMeta>('POST', '/api/exports', {
        kind: 'access_at',
        params: { integrationId, assetId: '5001' },
        format: 'csv',
        position: at3,
      });
      expect(afterRestart.status).toBe(201);
      expect(afterRestart.body.sha256).toBe(requested.body.sha256);
      const served = await fetch(`${svc.url}/api/exports/${requested.body.id}/content`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
      const meta = await svc.api<ExportMeta>('GET', `/api/exports/${history.body.id}`);
      expect(meta.body.kind).toBe('member_history');

      // and `exports verify` accepts the file, and refuses it with one byte flipped
      const file = join(dataDir, 'evidence.csv');
      writeFileSync(file, bytes);
      const ok = await cli(dataDir, 'exports', 'verify', file);
      expect(ok).toEqual({ code: 0, stdout: expect.stringContaining('verified') });
      const flipped = Buffer.from(readFileSync(file));
      const at = flipped.indexOf('Ann Lee');
      flipped[at] = flipped[at] ^ 0x01;
      writeFileSync(file, flipped);
      const bad = await cli(dataDir, 'exports', 'verify', file);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('DIFFERS');
    }, 300_000);
  });
});

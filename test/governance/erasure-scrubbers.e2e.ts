import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SnapshotRef } from '@app/domain';
import { EventStore } from '@app/eventstore';
import {
  allProjections,
  DEPROVISION_REPORT,
  type DeprovisionReportItem,
  ERASURE_SCRUBBERS,
  type ErasedPerson,
  type ErasureScrubber,
  FileSnapshotStore,
  maskValue,
  NotificationProcesses,
  parseMessage,
  replaySync,
  SnapshotAltered,
  snapshotsDir,
  zipEntries,
} from '@app/governance';
import { READ_MODEL_STORE } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import { Vault } from '@app/vault';
import type { Collection, Document, ReadModelStore } from '@app/readmodels';
import { exportsVerifyCommand } from '../../apps/cli/src/commands/exports.command';
import { pendingReportItem } from '../support/report-item';
import {
  ADMIN_KEY,
  eventually,
  finishedTask,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

interface Task {
  id: string;
  status: string;
  error: {
    kind: string;
    evidence: string[];
    erasedEvidence: { path: string; erasedAt: string }[];
  } | null;
}
interface ExportMeta {
  id: string;
  sha256: string;
  erasedAt: string | null;
}

/** Ann Lee as the erasure knows her: the fixture spells her email in mixed case. */
const ANN: ErasedPerson = {
  workspaceId: 'default',
  personId: 'p-ann-0001',
  email: 'ann.lee@acme.example',
  names: ['Ann Lee'],
};
const TOKEN = 'erased-p-ann-0001';
const ANN_PINTEREST_PASSWORD = 'ann-own-pinterest-pw';
const annIn = (text: string): boolean => /ann\.lee@acme\.example|ann lee|ann\.lee%40/i.test(text);

/** Every file under a folder, with the text a reader would get out of it (archives opened). */
function readable(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return readable(path);
    const bytes = readFileSync(path);
    if (name.endsWith('.zip'))
      return zipEntries(bytes).map((e) => ({ path: `${path}!${e.name}`, text: e.data.toString() }));
    if (name.endsWith('.gz')) return [{ path, text: gunzipSync(bytes).toString() }];
    if (name.endsWith('.eml')) return [{ path, text: parseMessage(bytes.toString()).text }];
    return [{ path, text: bytes.toString() }];
  });
}

/**
 * The read models as the core's erasure leaves them (rebuilt from a log whose personal fields
 * of Ann now read `erased-<personId>`): here a view of the real store that masks her the same
 * way, since the per-person keys land from another branch.
 */
function erasedView(store: ReadModelStore, person: ErasedPerson): ReadModelStore {
  const maskCollection = <T extends Document>(c: Collection<T>): Collection<T> =>
    new Proxy(c, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        if (prop === 'find' || prop === 'findJson')
          return async (...args: unknown[]) => {
            const page = (await fn.apply(target, args)) as { items: unknown[] };
            return { ...page, items: maskValue(page.items, person) };
          };
        if (prop === 'get' || prop === 'getMany')
          return async (...args: unknown[]) => maskValue(await fn.apply(target, args), person);
        return fn.bind(target);
      },
    });
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'collection') return (name: string) => maskCollection(target.collection(name));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/**
 * The copies of personal data under DATA_DIR outside the log and the read models, produced
 * by the real service driving the simulator in Chromium (evidence of failed Pinterest work,
 * a kept check snapshot, an outbox message, evidence exports), then erased for one person by
 * the scrubbers the erasure calls. The erase endpoint lands from another branch: the
 * scrubbers are called here as it calls them.
 */
describe('erasure of the copies outside the log (service, simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  let scrubbers: ErasureScrubber[];
  let firstCheck: Task;
  let partialCheck: Task;
  let annRemoval: Task;
  let bobRemoval: Task;
  const exportsOf: Record<string, ExportMeta & { bytes: Buffer }> = {};
  let outboxFile: string;
  let annCredentialsRef: string;

  const sim = async (path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${svc.simulator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
  };
  const finished = (taskId: string) => finishedTask<Task>(svc, taskId, 120_000);
  const runCheck = async (): Promise<Task> => {
    const res = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(res.status).toBe(202);
    return finished(res.body.taskId);
  };
  const memberId = async (search: string): Promise<string> => {
    const page = await svc.api<{ items: { id: string }[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=unmatched&search=${search}`,
    );
    expect(page.body.items).toHaveLength(1);
    return page.body.items[0].id;
  };
  /** A removal that fails on every attempt (Pinterest answers 503 to every page). */
  const failingRemoval = async (search: string): Promise<Task> => {
    const id = await memberId(search);
    await sim('/__sim/faults', { failNext: 100_000, failStatus: 503 });
    try {
      const res = await svc.api<{ taskId: string }>(
        'POST',
        `/api/integrations/${integrationId}/members/${id}/remove`,
      );
      expect(res.status).toBe(202);
      return await finished(res.body.taskId);
    } finally {
      await sim('/__sim/faults', { failNext: 0 });
    }
  };
  const content = (id: string) =>
    fetch(`${svc.url}/api/exports/${id}/content`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
  const scrubAll = async () => {
    const reports = [];
    for (const s of scrubbers) reports.push(await s.scrub(ANN));
    return reports;
  };

  beforeAll(async () => {
    const business = trickyBusiness();
    // Ann can log in to Pinterest herself (her account gets connected below)
    business.members = business.members.map((m) =>
      m.id === '1001' ? { ...m, password: ANN_PINTEREST_PASSWORD } : m,
    );
    svc = await startService(fixtureOf(business), { MAIL_FROM: 'governance@acme.example' });
    scrubbers = svc.app.get<ErasureScrubber[]>(ERASURE_SCRUBBERS);
    const res = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'Robot', ...AUTOMATION },
    });
    expect(res.status).toBe(201);
    integrationId = res.body.id;
    // A check that keeps its snapshot (Ann among the members read)
    firstCheck = await runCheck();
    expect(firstCheck.status).toBe('completed');
    // A check that reads an Employees list short of its last row: the page is kept as evidence
    await sim('/__sim/faults', { hideRows: 1 });
    partialCheck = await runCheck();
    expect(partialCheck.error?.kind).toBe('partial_snapshot');
    // Removals of Ann and of Bob that fail for good, each with its evidence
    annRemoval = await failingRemoval('ann');
    bobRemoval = await failingRemoval('bob');
    expect(annRemoval.error?.evidence.length).toBeGreaterThan(0);
    expect(bobRemoval.error?.evidence.length).toBeGreaterThan(0);
    // Evidence exports: Ann's history, Bob's history, the business's access
    const annId = await memberId('ann');
    const bobId = await memberId('bob');
    for (const [name, kind, params, format] of [
      ['ann', 'member_history', { integrationId, memberId: annId }, 'csv'],
      ['bob', 'member_history', { integrationId, memberId: bobId }, 'ndjson'],
      ['access', 'access_at', { integrationId }, 'csv'],
    ] as const) {
      const created = await svc.api<ExportMeta>('POST', '/api/exports', { kind, params, format });
      expect(created.status).toBe(201);
      const bytes = Buffer.from(await (await content(created.body.id)).arrayBuffer());
      exportsOf[name] = { ...created.body, bytes };
    }
    // A leaver email listing Ann and Bob, kept in the outbox (no SMTP_URL)
    expect(
      (
        await svc.api('PUT', '/api/settings/notifications', {
          emails: ['security@acme.example'],
        })
      ).status,
    ).toBe(200);
    const report = svc.app.get<ReadModelStore>(READ_MODEL_STORE).collection(DEPROVISION_REPORT);
    for (const [id, name, email] of [
      [annId, 'Ann Lee', 'ann.lee@acme.example'],
      [bobId, 'Bob Stone', 'bob@acme.example'],
    ]) {
      await report.upsert(
        pendingReportItem({
          id,
          memberId: id,
          workspaceId: 'default',
          integrationId,
          name,
          email,
          identityId: randomUUID(),
          leftAt: '2026-12-06T09:15:00.000Z',
        }) as DeprovisionReportItem,
      );
    }
    expect((await runCheck()).status).toBe('completed');
    await svc.app
      .get(NotificationProcesses, { strict: false })
      .runner('deprovision-announcements')
      .waitFor(await svc.head(), 60_000);
    const outbox = join(svc.dataDir, 'outbox');
    await eventually(
      async () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')) : []),
      (files) => files.length === 1,
      60_000,
    );
    outboxFile = join(outbox, readdirSync(outbox).filter((f) => f.endsWith('.eml'))[0]);
    // Ann joins the directory, is matched, and connects her own Pinterest account (vaulted)
    const scim = await svc.scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ann.lee@acme.example',
      name: { givenName: 'Ann', familyName: 'Lee' },
      emails: [{ value: 'ann.lee@acme.example', primary: true }],
      active: true,
    });
    expect(scim.status).toBe(201);
    await eventually(
      async () =>
        (
          await svc.api<{ items: unknown[] }>(
            'GET',
            `/api/integrations/${integrationId}/members?tab=onboarded&search=ann`,
          )
        ).body.items.length,
      (n) => n === 1,
      60_000,
    );
    const connected = await svc.api(
      'POST',
      `/api/integrations/${integrationId}/members/${annId}/connect-account`,
      { email: 'ANN.LEE@Acme.Example', password: ANN_PINTEREST_PASSWORD },
    );
    expect(connected.status).toBe(200);
    const [account] = await svc.events({ eventTypes: ['MemberAccountConnected'] });
    annCredentialsRef = (account.data as { credentialsRef: string }).credentialsRef;
    expect(await svc.app.get(Vault).has(annCredentialsRef)).toBe(true);
  }, 600_000);

  afterAll(async () => svc?.close());

  it('deletes the evidence about the person, by its content (archives opened) and by the task’s member, and marks it erased on the task', async () => {
    const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
    const partialFolder = folderOf(partialCheck.error?.evidence[0] ?? '');
    const annFolders = [...new Set(annRemoval.error?.evidence.map(folderOf))];
    const bobFolders = [...new Set(bobRemoval.error?.evidence.map(folderOf))];
    // Given: the partial check's page and its trace hold Ann (the trace once opened: its
    // entries are compressed), and Ann's and Bob's removals kept their evidence
    const trace = readFileSync(join(partialFolder, 'trace.zip'));
    expect(zipEntries(trace).some((e) => annIn(e.data.toString()))).toBe(true);
    expect(annIn(readFileSync(join(partialFolder, 'page.html'), 'utf8'))).toBe(true);
    for (const path of [
      ...(annRemoval.error?.evidence ?? []),
      ...(bobRemoval.error?.evidence ?? []),
    ])
      expect(existsSync(path)).toBe(true);
    // the archive hides her from a byte search: only its opened entries show her
    expect(annIn(trace.toString('latin1'))).toBe(false);
    // Pinterest's error pages kept for both removals name neither: only the log ties Ann's
    // removal evidence to her
    for (const f of [...annFolders, ...bobFolders])
      expect(readable(f).some((x) => annIn(x.text))).toBe(false);

    // When Ann is erased
    const [evidence] = await scrubAll();

    // Then the evidence about her is gone, a marker left in its folder
    expect(evidence.copy).toBe('evidence');
    expect(evidence.removed).toBeGreaterThanOrEqual(3);
    for (const folder of [partialFolder, ...annFolders])
      expect(readdirSync(folder)).toEqual(['erased.json']);
    // and Bob's stays
    for (const path of bobRemoval.error?.evidence ?? []) expect(existsSync(path)).toBe(true);
    // and nothing left under evidence/ holds her, archives opened
    expect(readable(join(svc.dataDir, 'evidence')).filter((x) => annIn(x.text))).toEqual([]);
    // and the tasks keep naming the paths, each marked erased, with when
    for (const task of [partialCheck, annRemoval]) {
      const after = (await svc.api<Task>('GET', `/api/automation-tasks/${task.id}`)).body;
      expect(after.error?.evidence).toEqual(task.error?.evidence);
      expect(after.error?.erasedEvidence.map((e) => e.path).sort()).toEqual(
        [...(task.error?.evidence ?? [])].sort(),
      );
      for (const e of after.error?.erasedEvidence ?? [])
        expect(Date.parse(e.erasedAt)).toBeGreaterThan(0);
    }
    const bob = (await svc.api<Task>('GET', `/api/automation-tasks/${bobRemoval.id}`)).body;
    expect(bob.error?.erasedEvidence).toEqual([]);
    // and GraphQL says the same
    const gql = await fetch(`${svc.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ automationTasks(first: 50) { nodes { id error { evidence erasedEvidence { path erasedAt } } } } }`,
      }),
    });
    const answer = (await gql.json()) as {
      data?: {
        automationTasks: {
          nodes: { id: string; error: { erasedEvidence: { path: string }[] } | null }[];
        };
      };
      errors?: unknown;
    };
    expect(answer.errors).toBeUndefined();
    const nodes = answer.data?.automationTasks.nodes ?? [];
    expect(nodes.find((n) => n.id === annRemoval.id)?.error?.erasedEvidence).toHaveLength(
      annRemoval.error?.evidence.length ?? -1,
    );
    expect(nodes.find((n) => n.id === bobRemoval.id)?.error?.erasedEvidence).toEqual([]);

    // and erasing again (a crash made the erasure run twice) removes nothing more
    expect((await scrubAll()).map((r) => r.removed)).toEqual([0, 0, 0, 0, 0]);
  }, 300_000);

  it('rewrites the kept snapshot with the person masked; replay accepts the erased copy and compares masked, and still refuses an altered one', async () => {
    const events = svc.app.get(EventStore);
    const [done] = (await svc.events({ eventTypes: ['AutomationTaskCompleted'] })).filter(
      (e) => e.stream === `automationTask-${firstCheck.id}`,
    );
    const ref = (done.data as { snapshot: SnapshotRef }).snapshot;
    const store = new FileSnapshotStore(snapshotsDir(svc.dataDir));
    const file = store.locate(ref);
    // Given (erased by the previous test): the file no longer holds Ann, shows her token,
    // and still holds Bob
    const text = gunzipSync(readFileSync(file)).toString();
    expect(annIn(text)).toBe(false);
    expect(text).toContain(TOKEN);
    expect(text).toContain('bob@acme.example');
    expect(readable(snapshotsDir(svc.dataDir)).filter((x) => annIn(x.text))).toEqual([]);

    // When the check is replayed from its kept (erased) snapshot
    const report = await replaySync(events, store, firstCheck.id, { safeguardPercent: 20 });

    // Then it is identical, with the erased fields masked, and says so
    expect(report.differences).toEqual([]);
    expect(report.identical).toBe(true);
    expect(report.erased).toMatchObject({ personIds: [ANN.personId] });
    expect(report.erased?.maskedFields).toBeGreaterThan(0);

    // And a file changed otherwise is still refused
    const kept = readFileSync(file);
    try {
      const altered = gunzipSync(kept).toString().replace('bob@acme.example', 'bob@evil.example');
      writeFileSync(file, (await import('node:zlib')).gzipSync(altered), { mode: 0o644 });
      await expect(store.read(ref)).rejects.toBeInstanceOf(SnapshotAltered);
    } finally {
      writeFileSync(file, kept);
    }
  }, 300_000);

  it('marks the exports holding the person erased and stops serving them; verify reports an erased export as erased, not tampered', async () => {
    // Given (erased by the first test): the exports that held Ann
    for (const name of ['ann', 'access']) {
      const meta = (await svc.api<ExportMeta>('GET', `/api/exports/${exportsOf[name].id}`)).body;
      expect(meta.sha256).toBe(exportsOf[name].sha256);
      expect(Date.parse(meta.erasedAt ?? '')).toBeGreaterThan(0);
      const res = await content(exportsOf[name].id);
      expect(res.status).toBe(410);
      expect(((await res.json()) as { message: string }).message).toMatch(/erased/);
    }
    // and Bob's is untouched and still served byte for byte
    const bob = (await svc.api<ExportMeta>('GET', `/api/exports/${exportsOf.bob.id}`)).body;
    expect(bob.erasedAt).toBeNull();
    const served = await content(exportsOf.bob.id);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(exportsOf.bob.bytes)).toBe(true);
    expect(readable(join(svc.dataDir, 'erasure')).filter((x) => annIn(x.text))).toEqual([]);

    // When `exports verify` checks the files handed out before the erasure
    const events = svc.app.get(EventStore);
    const live = svc.app.get<ReadModelStore>(READ_MODEL_STORE);
    const erased = erasedView(live, ANN);
    const verify = async (store: ReadModelStore, bytes: Buffer) => {
      const file = join(svc.dataDir, `verify-${randomUUID()}.csv`);
      writeFileSync(file, bytes);
      const lines: string[] = [];
      const runner = new ProjectionRunner(events, store, allProjections(), { batchSize: 1000 });
      const code = await exportsVerifyCommand(events, store, runner, file, (l) => lines.push(l));
      return { code, out: lines.join('\n') };
    };
    // Then an untouched export verifies
    expect(await verify(live, exportsOf.bob.bytes)).toEqual({
      code: 0,
      out: expect.stringContaining('verified'),
    });
    // and one holding Ann, recomputed where the log shows her erased, is reported erased
    for (const name of ['ann', 'access']) {
      const result = await verify(erased, exportsOf[name].bytes);
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/ERASED, otherwise verified: [1-9]\d* line\(s\)/);
      expect(result.out).toContain(TOKEN);
    }
    // and a change beside the masked fields is still tampering
    const tampered = Buffer.from(
      exportsOf.access.bytes
        .toString()
        .split('\n')
        .map((line) => (annIn(line) ? line.replace('ANALYST', 'FINANCE_MANAGER') : line))
        .join('\n'),
    );
    expect(tampered.equals(exportsOf.access.bytes)).toBe(false);
    const refused = await verify(erased, tampered);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('DIFFERS');
  }, 300_000);

  it('deletes the person’s own Pinterest credentials from the vault', async () => {
    // Given (erased by the first test): the entry her member's events name is gone
    expect(await svc.app.get(Vault).has(annCredentialsRef)).toBe(false);
    await expect(svc.app.get(Vault).get(annCredentialsRef, 'default')).rejects.toThrow();
  });

  it('rewrites the outbox message with the person masked, under the same name and Message-ID', () => {
    // Given (erased by the first test) the leaver email kept in the outbox
    const raw = readFileSync(outboxFile, 'utf8');
    const message = parseMessage(raw);
    // Then it no longer names Ann, decoded or not, and still lists Bob
    expect(annIn(message.text) || annIn(raw)).toBe(false);
    expect(message.text).toContain(TOKEN);
    expect(message.text).toContain('bob@acme.example');
    expect(message.headers.get('message-id')).toMatch(/^<.+@acme\.example>$/);
    expect(message.headers.get('to')).toContain('security@acme.example');
    expect(statSync(outboxFile).mode & 0o777).toBe(0o600);
  });
});

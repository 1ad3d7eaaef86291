import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { EventStore } from '@app/eventstore';
import type { BusinessFixture } from '@app/simulator';
import {
  loadPersonSecret,
  PERSON_KEYS_FILE,
  PersonKeyStore,
  personalDataOf,
} from '@app/infrastructure';
import { ErasureService } from '@app/governance';
import {
  ADMIN_KEY,
  eventually,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { fixtureOf, trickyBusiness } from '../governance/fixture';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

/** Unique in the whole run: any byte sequence that spells it is a leak. */
const EMAIL = 'zoe.quillfeather.7f3a@acme.example';
const NAME = 'Zoe Quillfeather';

interface Task {
  status: string;
}
interface Member {
  id: string;
  name: string;
  email: string;
  tab: string;
}
interface HistoryPage {
  items: { type: string; actor: string; summary: string; data: Record<string, unknown> }[];
}
interface Erasure {
  personId: string;
  shownAs: string;
  known: boolean;
  tombstoneRecorded: boolean;
  keysDestroyed: number;
  projectionsRebuilt: string[];
  stores: { file: string; walTruncated: boolean }[];
}

function business(): BusinessFixture {
  const base = trickyBusiness();
  return {
    ...base,
    members: [...base.members, { id: '1077', name: NAME, email: EMAIL, role: 'EMPLOYEE' as const }],
    grants: [
      ...(base.grants ?? []),
      { memberId: '1077', assetId: '5001', permissions: ['ANALYST'] },
    ],
  };
}

/** Every file under dir, recursively, as the bytes a reader of the disk would find. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * A file's bytes, read by another process: opening and closing a SQLite file in this process
 * (the service runs here) would drop the POSIX locks SQLite holds on it, after which another
 * process (the CLI) can take itself for the last connection and remove the WAL under the service.
 */
function bytesOf(file: string): Buffer {
  return execFileSync('cat', [file], { maxBuffer: 1 << 30 });
}

/** The file's bytes, and for an archive the bytes of every member (gzip, zip). */
function contentsOf(file: string): Buffer[] {
  const raw = bytesOf(file);
  const out = [raw];
  if (file.endsWith('.gz')) out.push(gunzipSync(raw));
  if (raw.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    // Walks the local headers of a zip: stored (0) or deflated (8) members.
    for (let at = 0; raw.readUInt32LE(at) === 0x04034b50;) {
      const method = raw.readUInt16LE(at + 8);
      const size = raw.readUInt32LE(at + 18);
      const start = at + 30 + raw.readUInt16LE(at + 26) + raw.readUInt16LE(at + 28);
      const body = raw.subarray(start, start + size);
      out.push(method === 8 ? inflateRawSync(body) : body);
      at = start + size;
    }
  }
  return out;
}

/** The email as text, as UTF-16 and URL-encoded: the spellings a file could hold it in. */
const SPELLINGS = [
  Buffer.from(EMAIL, 'utf8'),
  Buffer.from(EMAIL, 'utf16le'),
  Buffer.from(encodeURIComponent(EMAIL), 'utf8'),
  Buffer.from(NAME, 'utf8'),
];

function leaksIn(dir: string, skip: (file: string) => boolean): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    if (skip(file)) continue;
    for (const bytes of contentsOf(file)) {
      const lower = Buffer.from(bytes.toString('latin1').toLowerCase(), 'latin1');
      if (
        SPELLINGS.some((s) =>
          lower.includes(Buffer.from(s.toString('latin1').toLowerCase(), 'latin1')),
        )
      )
        found.push(file);
    }
  }
  return [...new Set(found)];
}

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
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
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('erasure of a person inside the immutable log (service, simulator in Chromium, raw files)', () => {
  let svc: ServiceHarness;
  let dataDir: string;
  let backupDir: string;
  let integrationId: string;
  let memberId: string;
  let identityId: string;
  let erasure: Erasure;

  const settle = async () => {
    const head = await svc.head();
    await eventually(
      async () =>
        (
          await svc.api<{ position: string | null }>(
            'GET',
            `/api/integrations/${integrationId}/access`,
          )
        ).body.position,
      (p) => p === head,
      30_000,
    );
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'erasure-e2e-'));
    backupDir = mkdtempSync(join(tmpdir(), 'erasure-backup-'));
    svc = await startService(fixtureOf(business()), { DATA_DIR: dataDir });
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: business().id,
      loginMethod: 'password',
      automationAccount: {
        label: 'robot',
        email: 'robot@acme.example',
        password: 'robot-password-1',
      },
    });
    expect(connected.status).toBe(201);
    integrationId = connected.body.id;
    const check = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(check.status).toBe(202);
    const task = await eventually(
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${check.body.taskId}`)).body,
      (x) => x.status === 'completed' || x.status === 'not_completed',
      90_000,
    );
    expect(task.status).toBe('completed');

    // Zoe's directory identity: the same email, so she is matched (onboarded)
    const provisioned = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: EMAIL,
      name: { givenName: 'Zoe', familyName: 'Quillfeather' },
      displayName: NAME,
      emails: [{ value: EMAIL, primary: true }],
      active: true,
    });
    expect(provisioned.status).toBe(201);
    identityId = provisioned.body.id;
    const page = await eventually(
      async () =>
        (
          await svc.api<{ items: Member[] }>(
            'GET',
            `/api/integrations/${integrationId}/members?tab=onboarded&limit=50`,
          )
        ).body.items,
      (items) => items.some((m) => m.email === EMAIL),
    );
    memberId = (page.find((m) => m.email === EMAIL) as Member).id;
    await settle();
  }, 240_000);

  afterAll(async () => {
    await svc?.close();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('before: the person is known in plaintext to readers, and in no raw file of the log', async () => {
    const history = await svc.api<HistoryPage>(
      'GET',
      `/api/integrations/${integrationId}/members/${memberId}/history`,
    );
    expect(JSON.stringify(history.body)).toContain(NAME);
    // the scan finds the person where readers keep them (the read models), never in the log
    const leaks = leaksIn(dataDir, (f) => !/(events|readmodels)\.sqlite/.test(f));
    expect(leaks.some((f) => f.includes('readmodels.sqlite'))).toBe(true);
    expect(leaks.filter((f) => f.includes('events.sqlite'))).toEqual([]);

    // a backup of the key store, taken while the person still had a key
    const keys = personalDataOf(svc.app.get(EventStore))!.keys;
    keys.checkpoint();
    execFileSync('cp', [join(dataDir, PERSON_KEYS_FILE), join(backupDir, PERSON_KEYS_FILE)]);
  });

  it('bad input: 400 naming the field, nothing appended', async () => {
    const head = await svc.head();
    for (const [body, field] of [
      [{ reason: 'x' }, 'email'],
      [{ email: 'not-an-email', reason: 'x' }, 'email'],
      [{ email: EMAIL }, 'reason'],
      [{ email: EMAIL, reason: '' }, 'reason'],
    ] as const) {
      const res = await svc.api<{ details: unknown }>('POST', '/api/people/erase', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.details)).toContain(field);
    }
    expect(await svc.head()).toBe(head);
  });

  it('erases: tombstone with who and when and no email, keys destroyed, read models rebuilt', async () => {
    const res = await svc.api<Erasure>('POST', '/api/people/erase', {
      email: ` ${EMAIL.toUpperCase()} `,
      reason: 'GDPR art. 17 request #42',
    });
    expect(res.status).toBe(200);
    erasure = res.body;
    expect(erasure).toMatchObject({
      known: true,
      tombstoneRecorded: true,
      shownAs: `erased-${erasure.personId}`,
    });
    expect(erasure.keysDestroyed).toBeGreaterThanOrEqual(1);
    expect(erasure.projectionsRebuilt).toEqual(expect.arrayContaining(['members', 'audit']));
    expect(erasure.stores.every((s) => s.walTruncated)).toBe(true);

    const [tombstone] = await svc.events({ eventTypes: ['PersonErased'] });
    expect(tombstone.stream).toBe(`person-${erasure.personId}`);
    expect(tombstone.data).toMatchObject({
      personId: erasure.personId,
      reason: 'GDPR art. 17 request #42',
    });
    expect(tombstone.metadata.actor).toBe('admin');
    expect(Date.parse(tombstone.metadata.occurredAt)).toBeGreaterThan(Date.now() - 120_000);
    expect(JSON.stringify(tombstone).toLowerCase()).not.toContain(EMAIL);
  }, 120_000);

  it('after: history, access, the tab and a new export keep every fact with the person as erased-<id>', async () => {
    const shown = erasure.shownAs;
    const member = await svc.api<Member>(
      'GET',
      `/api/integrations/${integrationId}/members/${memberId}`,
    );
    expect(member.body).toMatchObject({ name: shown, email: shown, tab: 'onboarded' });

    const history = await svc.api<HistoryPage>(
      'GET',
      `/api/integrations/${integrationId}/members/${memberId}/history`,
    );
    const text = JSON.stringify(history.body);
    expect(text).toContain(shown);
    expect(text).not.toContain(NAME);
    expect(text.toLowerCase()).not.toContain(EMAIL);
    expect(history.body.items.map((i) => i.type)).toEqual(
      expect.arrayContaining(['MemberDiscovered', 'MemberMatched']),
    );
    const identityHistory = await svc.api('GET', `/api/identities/${identityId}/history`);
    expect(JSON.stringify(identityHistory.body)).toContain(shown);
    expect(JSON.stringify(identityHistory.body)).not.toContain('Quillfeather');

    const access = await svc.api<{ items: { name: string; permissions: string[] }[] }>(
      'GET',
      `/api/integrations/${integrationId}/access?assetId=5001`,
    );
    expect(access.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: shown, permissions: ['ANALYST'] })]),
    );

    const search = await svc.api<{ items: Member[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=onboarded&search=quillfeather`,
    );
    expect(search.body.items).toEqual([]);

    const requested = await svc.api<{ id: string }>('POST', '/api/exports', {
      kind: 'access_at',
      params: { integrationId, assetId: '5001' },
      format: 'csv',
    });
    expect(requested.status).toBe(201);
    const content = await fetch(`${svc.url}/api/exports/${requested.body.id}/content`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const csv = await content.text();
    expect(csv).toContain(shown);
    expect(csv.toLowerCase()).not.toContain(EMAIL);
  });

  it('after: the email, its UTF-16 and URL-encoded forms, and the name are in no file under DATA_DIR', async () => {
    const scrubbers = svc.app.get(ErasureService).scrubberCount > 0;
    // The copies outside the log (snapshots, evidence, exports, outbox) are the scrubbers'; on a
    // build without them only the stores are held to it.
    const outsideTheLog = (f: string) =>
      !scrubbers && /[/\\](snapshots|evidence|exports|outbox)[/\\]/.test(f);
    expect(filesUnder(dataDir).some((f) => f.endsWith('readmodels.sqlite'))).toBe(true);
    expect(leaksIn(dataDir, outsideTheLog)).toEqual([]);
  });

  it('after: projections verify passes, and erasing again converges without a second tombstone', async () => {
    const again = await svc.api<Erasure>('POST', '/api/people/erase', {
      email: EMAIL,
      reason: 'retry after a crash',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ personId: erasure.personId, tombstoneRecorded: false });
    expect(await svc.events({ eventTypes: ['PersonErased'] })).toHaveLength(1);

    const verify = await cli(dataDir, 'projections', 'verify');
    expect(verify.out).not.toMatch(/"ok":false/);
    expect(verify.code).toBe(0);
  }, 180_000);

  it('an unknown email: a tombstone with nothing personal, and the answer says nothing was known', async () => {
    const res = await svc.api<Erasure>('POST', '/api/people/erase', {
      email: 'nobody.ever.seen@nowhere.example',
      reason: 'request from someone we never held',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ known: false, keysDestroyed: 0, tombstoneRecorded: true });
    expect(leaksIn(dataDir, (f) => !f.endsWith('.sqlite') && !f.endsWith('-wal'))).toEqual([]);
    const raw = filesUnder(dataDir)
      .map((f) => bytesOf(f).toString('latin1'))
      .join('');
    expect(raw).not.toContain('nobody.ever.seen');
  }, 120_000);

  it('a key store restored from a backup taken before the erasure is erased again at start', async () => {
    const secret = loadPersonSecret(dataDir);
    const backup = new PersonKeyStore(join(backupDir, PERSON_KEYS_FILE), secret);
    expect(backup.hasKey(erasure.personId)).toBe(true);
    backup.close();

    // stop the service (keeping DATA_DIR), put the old key store back, start again
    await svc.app.close();
    for (const f of [PERSON_KEYS_FILE, `${PERSON_KEYS_FILE}-wal`, `${PERSON_KEYS_FILE}-shm`])
      rmSync(join(dataDir, f), { force: true });
    copyFileSync(join(backupDir, PERSON_KEYS_FILE), join(dataDir, PERSON_KEYS_FILE));
    expect(statSync(join(dataDir, PERSON_KEYS_FILE)).size).toBeGreaterThan(0);
    await svc.simulator.close();
    svc = await startService(fixtureOf(business()), { DATA_DIR: dataDir });

    const keys = personalDataOf(svc.app.get(EventStore))!.keys;
    expect(keys.hasKey(erasure.personId)).toBe(false);
    const history = await svc.api<HistoryPage>(
      'GET',
      `/api/integrations/${integrationId}/members/${memberId}/history`,
    );
    expect(JSON.stringify(history.body)).toContain(erasure.shownAs);
    expect(JSON.stringify(history.body)).not.toContain(NAME);
  }, 120_000);
});

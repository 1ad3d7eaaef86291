import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ADMIN_KEY,
  type ServiceHarness,
  eventually,
  finishedTask,
  memberIdsByFirstName,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

const ROOT = resolve(__dirname, '../..');
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Member {
  id: string;
  name: string;
}
interface Task {
  id: string;
  status: string;
}
interface Account {
  id: string;
  email: string;
  status: string;
  statusReason: string | null;
}

/** Runs `apps/api/src/main.ts` as `npm start` does, and collects what it prints. */
function startMain(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ['-r', join(ROOT, 'tools/register.js'), join(ROOT, 'apps/api/src/main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, EVENTSTORE_URL: '', MONGO_URL: '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

describe('requests and answers (issue 10, points 12-16)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  let accountId: string;
  const member: Record<string, string> = {};
  const members = (query = '') => `/api/integrations/${integrationId}/members${query}`;

  const finished = (taskId: string) => finishedTask<Task>(svc, taskId, 60_000);
  const check = async () => {
    const queued = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(queued.status).toBe(202);
    return finished(queued.body.taskId);
  };
  /** A request the harness cannot make: any body, any content type, any (or no) key. */
  const raw = async (
    method: string,
    path: string,
    init: { body?: string; type?: string; key?: string | null } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (init.type) headers['content-type'] = init.type;
    if (init.key !== null) headers.authorization = `Bearer ${init.key ?? ADMIN_KEY}`;
    const res = await fetch(svc.url + path, { method, headers, body: init.body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as ErrorBody };
  };

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness()));
    const connected = await svc.api<{ id: string; automationAccountId: string }>(
      'POST',
      '/api/integrations',
      {
        label: 'Acme',
        businessId: BUSINESS_ID,
        loginMethod: 'password',
        automationAccount: { label: 'Robot', ...AUTOMATION },
      },
    );
    expect(connected.status).toBe(201);
    integrationId = connected.body.id;
    accountId = connected.body.automationAccountId;
    expect((await check()).status).toBe('completed');
    expect((await check()).status).toBe('completed');
    Object.assign(member, await memberIdsByFirstName(svc, integrationId, ['unmatched']));
  }, 180_000);

  afterAll(async () => svc?.close());

  describe('12. cursors', () => {
    const namesCursor = (res: { status: number; body: ErrorBody }) => {
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('cursor');
      expect(res.body.details).toEqual({ field: 'cursor' });
    };

    it('given a malformed cursor, when any paginated list is read, then 400 naming cursor', async () => {
      for (const path of [
        members('?cursor=garbage'),
        members('?cursor=not%20even%20base64!'),
        members('?search=a&cursor=garbage'),
        '/api/automation-tasks?cursor=garbage',
        `/api/automation-tasks?cursor=${Buffer.from('{"q":1}').toString('base64url')}`,
      ]) {
        namesCursor(await svc.api<ErrorBody>('GET', path));
      }
      const identities = await svc.api<ErrorBody>('GET', '/api/identities?cursor=garbage');
      expect(identities.status).toBe(400);
      expect(identities.body.message).toContain('cursor');
    });

    it('given a cursor of one query, when used on another, then 400 naming cursor; on its own query it pages', async () => {
      const first = await svc.api<Page<Member>>('GET', members('?tab=unmatched&limit=1'));
      const cursor = first.body.nextCursor as string;
      expect(cursor).toEqual(expect.any(String));
      expect(
        (await svc.api('GET', members(`?tab=unmatched&limit=1&cursor=${cursor}`))).status,
      ).toBe(200);
      namesCursor(await svc.api<ErrorBody>('GET', members(`?tab=onboarded&cursor=${cursor}`)));
      namesCursor(await svc.api<ErrorBody>('GET', members(`?search=a&cursor=${cursor}`)));

      const searched = await svc.api<Page<Member>>('GET', members('?search=a&limit=1'));
      const searchCursor = searched.body.nextCursor as string;
      expect(searchCursor).toEqual(expect.any(String));
      expect(
        (await svc.api('GET', members(`?search=a&limit=1&cursor=${searchCursor}`))).status,
      ).toBe(200);
      namesCursor(await svc.api<ErrorBody>('GET', members(`?search=e&cursor=${searchCursor}`)));
      namesCursor(await svc.api<ErrorBody>('GET', members(`?cursor=${searchCursor}`)));

      const tasks = await svc.api<Page<Task>>('GET', '/api/automation-tasks?limit=1');
      const taskCursor = tasks.body.nextCursor as string;
      expect(taskCursor).toEqual(expect.any(String));
      expect(
        (await svc.api('GET', `/api/automation-tasks?limit=1&cursor=${taskCursor}`)).status,
      ).toBe(200);
      namesCursor(
        await svc.api<ErrorBody>(
          'GET',
          `/api/automation-tasks?status=completed&cursor=${taskCursor}`,
        ),
      );
    });
  });

  describe('13. validation', () => {
    it('given bad reasons, when exempting, then one message per field, the most useful, and nothing appended', async () => {
      const before = await svc.head();
      const path = `${members()}/${member.dan}/exempt`;
      const missing = await svc.api<ErrorBody>('POST', path, {});
      expect(missing.status).toBe(400);
      expect(missing.body.details).toEqual([
        { field: 'reason', message: 'reason must not be empty' },
      ]);
      expect(missing.body.message).toBe('invalid reason: reason must not be empty');
      const blank = await svc.api<ErrorBody>('POST', path, { reason: '   ' });
      expect(blank.body.details).toEqual([
        { field: 'reason', message: 'reason must not be empty' },
      ]);
      const number = await svc.api<ErrorBody>('POST', path, { reason: 42 });
      expect(number.body.details).toEqual([
        { field: 'reason', message: 'reason must be a text of 1-500 characters' },
      ]);
      const long = await svc.api<ErrorBody>('POST', path, { reason: 'x'.repeat(501) });
      expect(long.body.details).toEqual([
        { field: 'reason', message: 'reason must be at most 500 characters' },
      ]);
      expect(await svc.head()).toBe(before);
    });

    it('given several bad fields, when matching, then each field once, messages without duplicates', async () => {
      const res = await svc.api<ErrorBody>('POST', `${members()}/${member.dan}/match`, {});
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { field: 'identityId', message: 'identityId must be the id of a directory identity' },
        { field: 'role', message: 'role must be "owner" or "collaborator"' },
      ]);
      expect(res.body.message.match(/must be the id of a directory identity/g)).toHaveLength(1);
    });

    it('given a nested field, when connecting an integration, then the message names its full path', async () => {
      const res = await svc.api<ErrorBody>('POST', '/api/integrations', {
        label: 'x',
        businessId: '1',
        loginMethod: 'sso',
        automationAccount: { label: 'a', email: 'a@b.example' },
      });
      expect(res.body.details).toEqual([
        {
          field: 'automationAccount.password',
          message: 'automationAccount.password must not be empty',
        },
      ]);
    });

    it('given a path id that is not a UUID, then 400 naming the parameter; a well-formed unknown id stays 404', async () => {
      const cases: [string, string][] = [
        ['/api/integrations/not-an-id', 'id'],
        [`/api/integrations/${integrationId}/members/42`, 'memberId'],
        ['/api/automation-tasks/xyz', 'id'],
        ['/api/identities/someone', 'id'],
      ];
      for (const [path, parameter] of cases) {
        const res = await svc.api<ErrorBody>('GET', path);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.body.message).toBe(`${parameter} must be a UUID`);
        expect(res.body.details).toEqual({ field: parameter });
      }
      const post = await svc.api<ErrorBody>('POST', `${members()}/nope/exempt`, { reason: 'r' });
      expect(post.body.details).toEqual({ field: 'memberId' });
      for (const path of [
        `/api/integrations/${UNKNOWN_ID}`,
        `/api/integrations/${integrationId}/members/${UNKNOWN_ID}`,
        `/api/automation-tasks/${UNKNOWN_ID}`,
        `/api/identities/${UNKNOWN_ID}`,
      ]) {
        expect({ path, status: (await svc.api('GET', path)).status }).toEqual({
          path,
          status: 404,
        });
      }
    });

    it('given an asset that is not in the business, when permissions are set, then 400 with details naming assetId', async () => {
      const before = await svc.head();
      const res = await svc.api<ErrorBody>('PUT', `${members()}/${member.dan}/asset-permissions`, {
        assetId: '9999',
        permissions: ['ANALYST'],
      });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual({ field: 'assetId' });
      expect(res.body.message).toContain('assetId');
      expect(await svc.head()).toBe(before);
    });

    it('given a JSON null, an array or malformed JSON as the body, then a clear 400', async () => {
      const path = `${members()}/${member.dan}/exempt`;
      const type = 'application/json';
      const nullBody = await raw('POST', path, { body: 'null', type });
      expect(nullBody.status).toBe(400);
      expect(nullBody.body.message).toBe('the request body must be a JSON object, not null');
      const array = await raw('POST', path, { body: '[{"reason":"r"}]', type });
      expect(array.status).toBe(400);
      expect(array.body.message).toBe('the request body must be a JSON object');
      const broken = await raw('POST', path, { body: '{"reason": "secret-ish', type });
      expect(broken).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'the request body is not valid JSON',
        },
      });
    });

    it('given a body that is not JSON, then 415 and nothing appended', async () => {
      const before = await svc.head();
      const path = `${members()}/${member.dan}/exempt`;
      for (const [type, body] of [
        ['application/x-www-form-urlencoded', 'reason=contractor'],
        ['text/plain', '{"reason":"contractor"}'],
      ]) {
        const res = await raw('POST', path, { body, type });
        expect({ type, status: res.status }).toEqual({ type, status: 415 });
        expect(res.body.message).toContain('application/json');
      }
      expect(await svc.head()).toBe(before);
    });

    it('given a body that is not JSON on a DELETE, then 415 too; on a GET, which takes none, the body is not read', async () => {
      const before = await svc.head();
      const deleted = await raw('DELETE', `/api/integrations/${integrationId}`, {
        body: 'reason=x',
        type: 'text/plain',
      });
      expect(deleted.status).toBe(415);
      expect(await svc.head()).toBe(before);
      // fetch refuses a GET with a body; node:http sends one
      const url = new URL(svc.url + members('?tab=unmatched&limit=1'));
      const page = await new Promise<{ status: number; text: string }>((done, fail) => {
        const req = httpRequest(
          url,
          {
            method: 'GET',
            headers: {
              authorization: `Bearer ${ADMIN_KEY}`,
              'content-type': 'text/plain',
              'content-length': '7',
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => done({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', fail);
        req.end('ignored');
      });
      expect(page.status).toBe(200);
      expect((JSON.parse(page.text) as Page<Member>).items).toHaveLength(1);
    });

    it('given no key, when the body is bad, then 401 before anything is said about the body', async () => {
      const path = `${members()}/${member.dan}/exempt`;
      for (const init of [
        { body: '{oops', type: 'application/json' },
        { body: 'null', type: 'application/json' },
        { body: 'reason=x', type: 'application/x-www-form-urlencoded' },
        { body: '{"reason": 42}', type: 'application/json' },
      ]) {
        expect((await raw('POST', path, { ...init, key: null })).status).toBe(401);
        expect((await raw('POST', path, { ...init, key: 'wrong-key' })).status).toBe(401);
      }
    });
  });

  describe('14. labels and names', () => {
    const unsafe = [
      'Acme\u202Egnp.exe',
      'Acme\u2066x\u2069',
      'Acme\u200F',
      'Acme\u0007',
      'Acme\u009B',
    ];

    it('given a label with a control or bidirectional-override character, then 400 naming the field, nothing appended', async () => {
      const before = await svc.head();
      for (const label of unsafe) {
        const integration = await svc.api<ErrorBody>('POST', '/api/integrations', {
          label,
          businessId: '999000111222333444',
          loginMethod: 'password',
          automationAccount: { label: 'Robot', email: 'r@acme.example', password: 'p' },
        });
        expect(integration.status).toBe(400);
        expect(integration.body.details).toEqual([
          {
            field: 'label',
            message: 'label must not contain control or bidirectional-override characters',
          },
        ]);
        const account = await svc.api<ErrorBody>('POST', '/api/integrations', {
          label: 'Fine',
          businessId: '999000111222333444',
          loginMethod: 'password',
          automationAccount: { label, email: 'r@acme.example', password: 'p' },
        });
        expect(account.status).toBe(400);
        expect((account.body.details as { field: string }[]).map((d) => d.field)).toEqual([
          'automationAccount.label',
        ]);
      }
      expect(await svc.head()).toBe(before);
    });

    it('given a SCIM user whose name holds a bidirectional override, then a SCIM 400 naming the attribute', async () => {
      for (const [attribute, user] of [
        ['displayName', { displayName: 'Mallory \u202Egnp.exe' }],
        ['name.givenName', { name: { givenName: 'Mal\u2067lory', familyName: 'X' } }],
        ['userName', { userName: 'mallory\u0000@acme.example' }],
      ] as const) {
        const res = await svc.scim<{ status: string; scimType: string; detail: string }>(
          'POST',
          '/Users',
          {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName: 'mallory@acme.example',
            ...user,
          },
        );
        expect({ attribute, status: res.status }).toEqual({ attribute, status: 400 });
        expect(res.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
        expect(res.body.detail).toContain(attribute);
      }
    });

    it('given an ordinary accented label, then it is accepted', async () => {
      const res = await svc.api('POST', '/api/integrations', {
        label: 'Société Générale — Zürich',
        businessId: '999000111222333555',
        loginMethod: 'password',
        automationAccount: { label: 'Robôt', email: 'r@acme.example', password: 'p' },
      });
      expect(res.status).toBe(201);
    });
  });

  describe('15. HOST', () => {
    it('given HOST and PORT=0, when started as npm start does, then the log prints the address it really listens on', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'host-'));
      const main = startMain({
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: '0',
        PINTEREST_BASE_URL: svc.simulator.url,
        LOG_LEVEL: 'log',
      });
      try {
        // The log is JSON lines; the start says where it listens in one of them.
        const listening = () =>
          main
            .output()
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => (JSON.parse(l) as { msg: string }).msg)
            .map((msg) => /^listening on (\S+)$/.exec(msg))
            .find((m) => m !== null) ?? null;
        const line = await eventually(
          async () => listening(),
          (m) => m !== null,
          60_000,
        );
        const url = (line as RegExpExecArray)[1];
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(url).not.toMatch(/:0$/);
        expect((await fetch(`${url}/health`)).status).toBe(200);
      } finally {
        main.child.kill('SIGKILL');
        await main.exited;
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 90_000);

    it('given a HOST that is no address, when started, then it stops with a message naming HOST', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'host-'));
      const main = startMain({
        DATA_DIR: dataDir,
        HOST: 'http://0.0.0.0',
        PORT: '0',
        PINTEREST_BASE_URL: svc.simulator.url,
      });
      try {
        const code = await Promise.race([
          main.exited,
          new Promise<string>((done) => setTimeout(() => done('still running'), 30_000)),
        ]);
        expect(code).toBe(1);
        // one JSON line at level fatal, naming the variable and its value
        const lines = main
          .output()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { level: string; msg: string });
        expect(lines).toContainEqual(
          expect.objectContaining({
            level: 'fatal',
            msg: expect.stringContaining('HOST="http://0.0.0.0"') as unknown,
          }),
        );
      } finally {
        main.child.kill('SIGKILL');
        await main.exited;
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);
  });

  describe('16. connecting the automation account', () => {
    const account = async () =>
      (await svc.api<Page<Account>>('GET', '/api/automation-accounts')).body.items.find(
        (a) => a.id === accountId,
      ) as Account;

    it('given a connected account, when new credentials are refused by the login, then 422, it stays connected with its previous credentials, and the log records a refusal', async () => {
      expect((await account()).status).toBe('connected');
      const before = await svc.events({ categories: ['automationAccount'] });

      const res = await svc.api<ErrorBody & { details: { reason: string; account: Account } }>(
        'POST',
        `/api/automation-accounts/${accountId}/connect`,
        { email: AUTOMATION.email, password: 'not-the-password' },
      );

      expect(res.status).toBe(422);
      expect(res.body.message).toBe(
        'the new credentials were refused; the account keeps its previous credentials',
      );
      expect(res.body.details.reason).toBe('credentials_refused');
      expect(res.body.details.account.status).toBe('connected');
      expect(await account()).toMatchObject({ status: 'connected', statusReason: null });
      const after = await svc.events({ categories: ['automationAccount'] });
      expect(after.slice(before.length).map((e) => [e.type, e.data])).toEqual([
        [
          'AutomationAccountCredentialsRefused',
          { accountId, reason: expect.any(String), keptPreviousCredentials: true },
        ],
      ]);
      expect(JSON.stringify(after)).not.toContain('not-the-password');
      // The credentials in force still log in.
      expect((await check()).status).toBe('completed');
      expect(await account()).toMatchObject({ status: 'connected' });
    }, 120_000);

    it('given repeated successful checks and a refusal, then the account stream holds one login success and the refusal, nothing else', async () => {
      const events = await svc.events({ categories: ['automationAccount'] });
      const ofAccount = events.filter((e) => e.stream === `automationAccount-${accountId}`);
      expect(ofAccount.map((e) => e.type)).toEqual([
        'AutomationAccountAdded',
        'AutomationAccountLoginSucceeded',
        'AutomationAccountCredentialsRefused',
      ]);
      expect(ofAccount.map((e) => e.revision)).toEqual([0, 1, 2]);
    });

    it('given the right credentials, when connected, then they replace the old ones and it is connected', async () => {
      const res = await svc.api<Account>(
        'POST',
        `/api/automation-accounts/${accountId}/connect`,
        AUTOMATION,
      );
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('connected');
    }, 60_000);
  });
});

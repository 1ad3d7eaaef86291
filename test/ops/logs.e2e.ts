import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningSimulator, startSimulator } from '@app/simulator';
import { fixtureOf, trickyBusiness } from '../governance/fixture';
import { freePort } from '../actions/service-process';

const ROOT = resolve(__dirname, '../..');
const ADMIN_KEY = 'logs-admin-key-0123456789-secret';
const SCIM_TOKEN = 'logs-scim-token-0123456789-secret';
const WRONG_KEY = 'wrong-key-sent-by-someone-9876543210';

interface Started {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** `npm start` in a child process, everything it prints kept apart: stdout and stderr. */
function startMain(env: Record<string, string>, port: number): Started {
  const child = spawn(
    process.execPath,
    ['-r', join(ROOT, 'tools/register.js'), join(ROOT, 'apps/api/src/main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        EVENTSTORE_URL: '',
        MONGO_URL: '',
        ADMIN_API_KEY: '',
        SCIM_TOKEN: '',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function ready(service: Started, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null)
      throw new Error(`exited while starting: ${service.stdout()}${service.stderr()}`);
    try {
      if ((await fetch(`${service.url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready: ${service.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Line = Record<string, unknown> & { level: string; time: string; msg: string };

/** Every line must be a JSON object with a level, a time and a message. */
function jsonLines(text: string): Line[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const line = JSON.parse(l) as Line;
      expect(line).toMatchObject({
        level: expect.any(String),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        msg: expect.any(String),
      });
      return line;
    });
}

describe('the log of a started service: JSON lines on standard output, no secret in them', () => {
  let sim: RunningSimulator;
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    sim = await startSimulator({ fixture: fixtureOf(trickyBusiness()) });
  });
  afterAll(async () => {
    await sim?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('given LOG_LEVEL=log, then each request is one line with its correlation, workspace, actor, route, status and duration, and no token', async () => {
    const service = startMain(
      {
        DATA_DIR: dataDir(),
        PINTEREST_BASE_URL: sim.url,
        ADMIN_API_KEY: ADMIN_KEY,
        SCIM_TOKEN,
        LOG_LEVEL: 'log',
        METRICS_TOKEN: 'logs-metrics-token-0123456789',
      },
      await freePort(),
    );
    let missing: Response;
    let refused: Response;
    try {
      await ready(service);
      // when: an authorized read with the caller's correlation id, an unknown id, a wrong key
      const ok = await fetch(`${service.url}/api/integrations`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-correlation-id': 'ops-trace-1' },
      });
      expect(ok.status).toBe(200);
      missing = await fetch(
        `${service.url}/api/integrations/00000000-0000-4000-8000-000000000000?secretQuery=abc`,
        { headers: { authorization: `Bearer ${ADMIN_KEY}`, cookie: 'session=cookie-secret-1' } },
      );
      expect(missing.status).toBe(404);
      refused = await fetch(`${service.url}/api/integrations`, {
        headers: { authorization: `Bearer ${WRONG_KEY}` },
      });
      expect(refused.status).toBe(401);
      const scrape = await fetch(`${service.url}/metrics`, {
        headers: { authorization: 'Bearer logs-metrics-token-0123456789' },
      });
      expect(scrape.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await service.stop();
    }

    // then every line is JSON, Nest's own included
    const lines = jsonLines(service.stdout());
    expect(lines.some((l) => l.context === 'NestApplication')).toBe(true);
    expect(lines.some((l) => /^listening on http:\/\/127\.0\.0\.1:\d+$/.test(l.msg))).toBe(true);
    const requests = lines.filter((l) => l.msg === 'request completed');
    const traced = requests.find((l) => l.correlationId === 'ops-trace-1');
    expect(traced).toMatchObject({
      level: 'info',
      workspaceId: 'default',
      actor: 'admin',
      method: 'GET',
      route: '/api/integrations',
      path: '/api/integrations',
      status: 200,
      durationMs: expect.any(Number),
      headers: { authorization: '[redacted]' },
    });
    // the correlation a caller did not send is the one the response echoed
    const notFound = requests.find((l) => l.status === 404);
    expect(notFound).toMatchObject({
      route: '/api/integrations/:id',
      path: '/api/integrations/00000000-0000-4000-8000-000000000000',
      workspaceId: 'default',
      actor: 'admin',
      correlationId: missing.headers.get('x-correlation-id'),
      headers: { authorization: '[redacted]', cookie: '[redacted]' },
    });
    expect(requests.find((l) => l.status === 401)).toMatchObject({
      route: '/api/integrations',
      workspaceId: null,
      actor: null,
      correlationId: refused.headers.get('x-correlation-id'),
    });
    // probes and scrapes are debug lines: not at LOG_LEVEL=log
    expect(requests.filter((l) => /^\/(health|metrics)/.test(String(l.path)))).toEqual([]);
    // and no secret, sent or configured, is anywhere in what the service printed
    const everything = service.stdout() + service.stderr();
    for (const secret of [
      ADMIN_KEY,
      SCIM_TOKEN,
      WRONG_KEY,
      'cookie-secret-1',
      'secretQuery',
      'logs-metrics-token',
    ]) {
      expect({ secret, found: everything.includes(secret) }).toEqual({ secret, found: false });
    }
  }, 150_000);

  it('given LOG_LEVEL=warn and a DATA_DIR that does not exist, then no request line, only JSON, and DATA_DIR is created 0700 with its stores 0600', async () => {
    const parent = join(dataDir(), 'fresh');
    const data = join(parent, 'data');
    const service = startMain(
      {
        DATA_DIR: data,
        PINTEREST_BASE_URL: sim.url,
        ADMIN_API_KEY: ADMIN_KEY,
        SCIM_TOKEN,
        LOG_LEVEL: 'warn',
      },
      await freePort(),
    );
    try {
      await ready(service);
      const res = await fetch(`${service.url}/api/integrations`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await service.stop();
    }
    const lines = jsonLines(service.stdout());
    expect(lines.filter((l) => !['warn', 'error', 'fatal'].includes(l.level))).toEqual([]);
    // the folders the service created, and every file in DATA_DIR, for its user alone
    for (const dir of [parent, data]) expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    const files = readdirSync(data).filter((f) => statSync(join(data, f)).isFile());
    expect(files).toEqual(
      expect.arrayContaining(['events.sqlite', 'readmodels.sqlite', 'vault.key']),
    );
    for (const file of files) {
      const mode = (statSync(join(data, file)).mode & 0o777).toString(8);
      expect({ file, mode }).toEqual({ file, mode: '600' });
    }
  }, 150_000);

  it('given no ADMIN_API_KEY nor SCIM_TOKEN, then the generated ones are printed once as plain lines, never in the JSON log', async () => {
    const dir = dataDir();
    const first = startMain(
      { DATA_DIR: dir, PINTEREST_BASE_URL: sim.url, LOG_LEVEL: 'log' },
      await freePort(),
    );
    try {
      await ready(first);
    } finally {
      await first.stop();
    }
    const plain = first
      .stdout()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('{'));
    expect(plain).toEqual([
      expect.stringMatching(/^Admin API key \(shown once, store it now\): pak_[\w-]{20,}$/),
      expect.stringMatching(/^SCIM bearer token \(shown once, store it now\): scim_[\w-]{20,}$/),
    ]);
    const secrets = plain.map((l) => l.split(': ')[1]);
    const json = first
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(json.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(json.some((l) => l.includes(secret))).toBe(false);
      expect(first.stderr()).not.toContain(secret);
    }
    // the printed key is the one that works
    const again = startMain(
      { DATA_DIR: dir, PINTEREST_BASE_URL: sim.url, LOG_LEVEL: 'log' },
      await freePort(),
    );
    try {
      await ready(again);
      const res = await fetch(`${again.url}/api/integrations`, {
        headers: { authorization: `Bearer ${secrets[0]}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await again.stop();
    }
    // and at the next start nothing is printed again
    expect(
      again
        .stdout()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('{')),
    ).toEqual([]);
  }, 200_000);

  it.each([
    ['ADMIN_API_KEY', 'short-secret-x'],
    ['VAULT_KEY', 'not-a-vault-key-but-secret-123'],
    ['METRICS_TOKEN', 'tiny-metrics'],
  ])(
    'given a malformed %s, then the start stops with a JSON line naming it, never its value',
    async (name, value) => {
      const service = startMain(
        { DATA_DIR: dataDir(), PINTEREST_BASE_URL: sim.url, [name]: value },
        await freePort(),
      );
      const code = await Promise.race([
        service.exited,
        new Promise<string>((done) => setTimeout(() => done('still running'), 60_000)),
      ]);
      await service.stop();
      expect(code).toBe(1);
      const lines = jsonLines(service.stderr());
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'fatal',
          msg: expect.stringContaining(
            `${name}=<${value.length} characters, not shown>`,
          ) as unknown,
        }),
      );
      expect(service.stdout() + service.stderr()).not.toContain(value);
    },
    90_000,
  );
});

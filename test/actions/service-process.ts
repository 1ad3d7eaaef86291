import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * The service as `npm start` runs it, in a child process that a test can SIGKILL and start
 * again on the same data directory. Everything here is asynchronous on purpose: the test
 * process also serves the simulator the child drives, so it must never block.
 */

export const ROOT = resolve(__dirname, '../..');
const REGISTER = join(ROOT, 'tools/register.js');
const MAIN = join(ROOT, 'apps/api/src/main.ts');
const CLI = join(ROOT, 'apps/cli/src/main.ts');

export const ADMIN_KEY = 'crash-admin-key-0123456789';
export const SCIM_TOKEN = 'crash-scim-token-0123456789';

export interface ServiceOptions {
  dataDir: string;
  /** Default: a free port picked at each start (another process may take the last one). */
  port?: number;
  pinterestBaseUrl: string;
  env?: Record<string, string>;
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Keeps the last few KiB a child wrote, to explain a failed start. */
function tail(stream: NodeJS.ReadableStream | null, keep = 8192): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-keep);
  });
  return () => text;
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
    child.once('exit', () => resolveExit());
  });

export class ServiceProcess {
  /** Every child still alive, so that a failing test can still end them all. */
  private static readonly alive = new Set<ServiceProcess>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** Spawns `node -r tools/register.js apps/api/src/main.ts` and waits until GET /health/ready answers. */
  static async start(options: ServiceOptions, timeoutMs = 90_000): Promise<ServiceProcess> {
    const began = Date.now();
    const port = options.port ?? (await freePort());
    const child = spawn(process.execPath, ['-r', REGISTER, MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: options.dataDir,
        PORT: String(port),
        PINTEREST_BASE_URL: options.pinterestBaseUrl,
        ADMIN_API_KEY: ADMIN_KEY,
        SCIM_TOKEN,
        LOG_LEVEL: 'warn',
        EVENTSTORE_URL: '',
        MONGO_URL: '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`);
    ServiceProcess.alive.add(service);
    const out = tail(child.stdout);
    const err = tail(child.stderr);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        ServiceProcess.alive.delete(service);
        throw new Error(
          `the service exited (${child.exitCode ?? child.signalCode}) while starting:\n${out()}\n${err()}`,
        );
      }
      try {
        const res = await fetch(`${service.url}/health/ready`);
        if (res.ok) return service;
      } catch {
        // not listening yet
      }
      if (Date.now() - began > timeoutMs) {
        await service.kill();
        throw new Error(`the service was not healthy after ${timeoutMs} ms:\n${out()}\n${err()}`);
      }
      await sleep(50);
    }
  }

  static async killAll(): Promise<void> {
    await Promise.all([...ServiceProcess.alive].map((s) => s.kill()));
  }

  /** kill -9, and wait until the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await exited(this.child);
    ServiceProcess.alive.delete(this);
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>> {
    return call<T>(this.url + path, method, body, ADMIN_KEY, 'application/json');
  }

  async scim<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>> {
    return call<T>(`${this.url}/scim/v2${path}`, method, body, SCIM_TOKEN, 'application/scim+json');
  }
}

async function call<T>(
  url: string,
  method: string,
  body: unknown,
  token: string,
  type: string,
): Promise<HttpAnswer<T>> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': type } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** Polls until `accept` holds; the error names what was awaited and the last value seen. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not so after ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

export interface LoggedEvent {
  /** Opaque, as the CLI prints it. */
  position: string;
  stream: string;
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: string; [key: string]: unknown };
  recordedAt: string;
}

export interface CliAnswer {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI on the data directory, with the in-process stores, in a child process. */
export function cli(
  dataDir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const child = spawn(process.execPath, ['-r', REGISTER, CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolveAnswer({ status, stdout, stderr }));
  });
}

/** `npm run cli -- events --category <category>` on the data directory, parsed. */
export async function cliEvents(dataDir: string, category: string): Promise<LoggedEvent[]> {
  const { status, stdout, stderr } = await cli(dataDir, ['events', '--category', category], {
    LOG_LEVEL: 'warn',
  });
  if (status !== 0) throw new Error(`cli events exited ${status}: ${stderr}`);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LoggedEvent);
}

/** `npm run cli -- projections verify` on the data directory. */
export function cliVerifyProjections(dataDir: string): Promise<CliAnswer> {
  return cli(dataDir, ['projections', 'verify']);
}

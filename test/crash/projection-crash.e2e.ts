import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Position } from '@app/eventstore';
import { allProjections } from '@app/governance';
import { loadEnvironment, openEventStore, openReadModelStore } from '@app/infrastructure';
import { verifyProjections } from '@app/projections';
import { createReadModelStore } from '@app/readmodels';

const ROOT = resolve(__dirname, '../..');
const REGISTER = join(ROOT, 'tools/register.js');
const CHILD = join(__dirname, 'append-and-project.child.ts');
const ROUNDS = 20;

function startChild(dataDir: string, extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['-r', REGISTER, CHILD], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    let errors = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.split('\n').includes(line)) resolvePromise();
    });
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('exit', (code, signal) =>
      reject(new Error(`child exited (${code ?? signal}) before "${line}": ${errors}`)),
    );
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
  });
}

async function verify(
  dataDir: string,
): Promise<{ checkpoint: Position | null; differences: number; documents: number }> {
  const env = loadEnvironment({ DATA_DIR: dataDir });
  const events = openEventStore(env);
  const live = await openReadModelStore(env);
  const scratchDir = mkdtempSync(join(tmpdir(), 'crash-scratch-'));
  const scratch = await createReadModelStore({
    dataDir: scratchDir,
    file: join(scratchDir, 'rm.sqlite'),
  });
  try {
    const results = await verifyProjections(events, live, scratch, allProjections());
    // The streams projection reads every event: its checkpoint is how far the worker got.
    return {
      checkpoint: results.find((r) => r.projection === 'streams')?.checkpoint ?? null,
      differences: results.reduce((n, r) => n + r.differences.length, 0),
      documents: results.reduce((n, r) => n + r.documents, 0),
    };
  } finally {
    await scratch.close();
    await live.close();
    await events.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

describe('projections survive kill -9', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'crash-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`given a worker recording the domain's events and projecting them, when it is SIGKILLed at random moments ${ROUNDS} times, then every read model equals a rebuild`, async () => {
    const checkpoints: (Position | null)[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const child = startChild(dataDir);
      await waitForLine(child, 'ready');
      await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 400)));
      child.kill('SIGKILL');
      await killed(child);

      const result = await verify(dataDir);
      expect({ round, differences: result.differences }).toEqual({ round, differences: 0 });
      checkpoints.push(result.checkpoint);
    }
    // The worker really made progress between kills: the checkpoints moved forward.
    const events = openEventStore(loadEnvironment({ DATA_DIR: dataDir }));
    try {
      const [first, last] = [checkpoints[0], checkpoints[checkpoints.length - 1]];
      expect(last).not.toBeNull();
      expect(first === null || events.comparePositions(last as Position, first) > 0).toBe(true);
    } finally {
      await events.close();
    }

    // After a last restart the worker catches up to the head; then the CLI's verify agrees.
    const last = startChild(dataDir, { CRASH_CHILD_APPENDS: '5' });
    await waitForLine(last, 'caught-up');
    await killed(last);
    const cli = spawnSync(
      process.execPath,
      ['-r', REGISTER, join(ROOT, 'apps/cli/src/main.ts'), 'projections', 'verify'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '' },
        encoding: 'utf8',
      },
    );
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { projection: string; ok: boolean; documents: number });
    expect(lines.every((l) => l.ok)).toBe(true);
    // The domain's read models were really exercised, not compared empty with empty.
    const documents = Object.fromEntries(lines.map((l) => [l.projection, l.documents]));
    for (const projection of [
      'members',
      'integrations',
      'identities',
      'automation-tasks',
      'assets',
    ]) {
      expect({ projection, some: documents[projection] > 0 }).toEqual({ projection, some: true });
    }
  }, 300_000);
});

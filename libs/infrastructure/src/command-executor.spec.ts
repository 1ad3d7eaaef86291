import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import { type Decider, WrongState } from '@app/domain';
import { EventStore } from '@app/eventstore';
import { AppConfigModule } from './app-config';
import { CommandExecutor, DecideCommand } from './command-executor';
import { PersistenceModule } from './persistence.module';

type CounterEvent = { type: 'Incremented'; data: { by: number } };
type CounterCommand = { type: 'Increment'; by: number; max: number };
const counter: Decider<CounterCommand, CounterEvent, number> = {
  initialState: 0,
  evolve: (n, e) => n + e.data.by,
  decide: (c, n) => {
    if (n + c.by > c.max) throw new WrongState(`would exceed ${c.max}`, { state: String(n) });
    return [{ type: 'Incremented', data: { by: c.by } }];
  },
};
const ctx = { workspaceId: 'w', actor: 'test' };

describe('CommandExecutor (CommandBus, real SQLite)', () => {
  let dir: string;
  let moduleRef: TestingModule;
  let executor: CommandExecutor;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'executor-'));
    process.env.DATA_DIR = dir;
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, PersistenceModule],
    }).compile();
    await moduleRef.init();
    executor = moduleRef.get(CommandExecutor);
  });

  afterEach(async () => {
    await moduleRef.close();
    delete process.env.DATA_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a command, when executed, then it travels through the CommandBus and its event is appended', async () => {
    const seen: unknown[] = [];
    moduleRef.get(CommandBus).subscribe((c) => seen.push(c));
    const result = await executor.execute(
      'counter-1',
      counter,
      { type: 'Increment', by: 2, max: 10 },
      ctx,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(DecideCommand);
    expect(result).toMatchObject({ previous: 0, state: 2, appended: 1 });
    const [event] = await moduleRef.get(EventStore).readStream('counter-1');
    expect(event).toMatchObject({
      type: 'Incremented',
      revision: 0,
      metadata: { workspaceId: 'w', actor: 'test' },
    });
  });

  it('given concurrent commands on one stream, when both run, then each is decided on the state the other left', async () => {
    const results = await Promise.allSettled([
      executor.execute('counter-1', counter, { type: 'Increment', by: 3, max: 5 }, ctx),
      executor.execute('counter-1', counter, { type: 'Increment', by: 3, max: 5 }, ctx),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(WrongState);
    expect(await moduleRef.get(EventStore).readStream('counter-1')).toHaveLength(1);
  });

  it('given many streams, when executed together, then each gets its own events in one go', async () => {
    const results = await executor.executeMany(counter, [
      { stream: 'counter-a', command: { type: 'Increment', by: 1, max: 9 }, ctx },
      { stream: 'counter-b', command: { type: 'Increment', by: 4, max: 9 }, ctx },
    ]);
    expect(results.map((r) => r.state)).toEqual([1, 4]);
    expect(await moduleRef.get(EventStore).headPosition()).toBe('2');
  });
});

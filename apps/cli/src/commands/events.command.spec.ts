import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, InvalidPosition, type NewEvent } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { eventsCommand } from './events.command';

const event = (type: string, workspaceId = 'w'): NewEvent => ({
  id: randomUUID(),
  type,
  data: {},
  metadata: {
    workspaceId,
    actor: 'cli-test',
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});

describe('cli events --from (real SQLite)', () => {
  let dir: string;
  let events: EventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-events-'));
    events = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }));
    await events.appendToStream('member-1', [event('A'), event('B')]);
    await events.appendToStream('member-2', [event('C')]);
  });

  afterEach(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(
    from?: string,
    more: { workspace?: string; limit?: number } = {},
  ): Promise<{ position: string; type: string }[]> {
    const lines: string[] = [];
    await eventsCommand(events, { from, ...more }, (line) => lines.push(line));
    return lines.map((l) => JSON.parse(l) as { position: string; type: string });
  }

  it('given the log, when a line position is passed back as --from, then only the events after it are printed', async () => {
    // given
    const all = await run();
    expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    expect(all.every((e) => typeof e.position === 'string')).toBe(true);

    // when / then: exclusive, whatever the store's spelling of a position
    expect((await run(all[0].position)).map((e) => e.type)).toEqual(['B', 'C']);
    expect((await run(all[2].position)).map((e) => e.type)).toEqual([]);
  });

  it('given text that is no position of this store, when passed as --from, then it is refused before anything is printed', async () => {
    for (const bad of ['0', '-1', 'abc', '12:12', '']) {
      await expect(run(bad)).rejects.toBeInstanceOf(InvalidPosition);
    }
  });

  it('given two workspaces in the log, when --workspace names one, then only its events are printed, --limit counting those', async () => {
    // given events of another workspace between and after this one's
    await events.appendToStream('member-3', [event('X1', 'other'), event('X2', 'other')]);
    await events.appendToStream('member-1', [event('D')], { expectedRevision: 1 });

    // when / then
    expect((await run(undefined, { workspace: 'other' })).map((e) => e.type)).toEqual(['X1', 'X2']);
    expect((await run(undefined, { workspace: 'w' })).map((e) => e.type)).toEqual([
      'A',
      'B',
      'C',
      'D',
    ]);
    expect((await run(undefined, { workspace: 'w', limit: 4 })).map((e) => e.type)).toEqual([
      'A',
      'B',
      'C',
      'D',
    ]);
    const first = await run(undefined, { workspace: 'other', limit: 1 });
    expect(first.map((e) => e.type)).toEqual(['X1']);
    expect((await run(first[0].position, { workspace: 'other' })).map((e) => e.type)).toEqual([
      'X2',
    ]);
    expect(await run(undefined, { workspace: 'nobody' })).toEqual([]);
  });
});

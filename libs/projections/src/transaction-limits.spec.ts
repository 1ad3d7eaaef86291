import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, type EventStore, type NewEvent } from '@app/eventstore';
import { createReadModelStore, type ReadModelStore } from '@app/readmodels';
import type { Projection } from './projection';
import { checkpointName, ProjectionRunner } from './projection-runner';

const meta = {
  workspaceId: 'w',
  actor: 'test',
  correlationId: 'c',
  causationId: null,
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
};
const ev = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'Big',
  data: { n },
  metadata: meta,
});

/** Writes one ~1 kB document per event and fails on event `failAt`. */
const bigDocs = (failAt: number): Projection => ({
  name: 'big',
  version: 1,
  collections: [{ name: 'big_docs', indexes: [] }],
  filter: {},
  handle(event, ctx) {
    const { n } = event.data as { n: number };
    if (n === failAt) throw new Error(`boom at ${n}`);
    ctx.put('big_docs', { id: `d${n}`, n, padding: 'x'.repeat(1000) });
  },
});

describe('a projection batch larger than the store allows in one transaction', () => {
  let dir: string;
  let events: EventStore;
  let readModels: ReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tx-limits-'));
    events = createEventStore({ dataDir: dir });
    readModels = await createReadModelStore({ dataDir: dir });
    await events.appendToStream(
      'big-1',
      Array.from({ length: 10 }, (_, i) => ev(i + 1)),
    );
  });

  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const kept = async (): Promise<number[]> => {
    const docs: number[] = [];
    for await (const doc of readModels.collection('big_docs').scan()) docs.push(Number(doc.n));
    return docs.sort((a, b) => a - b);
  };

  it('given a size limit of ~2.5 kB, when event 8 fails, then the transactions before it stay, each with its checkpoint', async () => {
    // given
    const projection = bigDocs(8);
    const runner = new ProjectionRunner(events, readModels, [projection], {
      transactionLimits: { maxBytes: 2500, maxMs: 60_000 },
    });
    // when
    await expect(runner.catchUp(projection)).rejects.toThrow('boom at 8');
    // then: transactions of three events each (3 kB ≥ 2.5 kB) committed 1-3 and 4-6
    expect(await kept()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await readModels.getCheckpoint(checkpointName(projection)))?.position).toBe('6');
  });

  it('given a time limit already reached, when event 3 fails, then each event before it was its own transaction', async () => {
    const projection = bigDocs(3);
    const runner = new ProjectionRunner(events, readModels, [projection], {
      transactionLimits: { maxBytes: Number.MAX_SAFE_INTEGER, maxMs: 0 },
    });
    await expect(runner.catchUp(projection)).rejects.toThrow('boom at 3');
    expect(await kept()).toEqual([1, 2]);
    expect((await readModels.getCheckpoint(checkpointName(projection)))?.position).toBe('2');
  });

  it('given limits, when nothing fails, then every event is applied once and the checkpoint reaches the last', async () => {
    const projection = bigDocs(-1);
    const runner = new ProjectionRunner(events, readModels, [projection], {
      transactionLimits: { maxBytes: 2500, maxMs: 60_000 },
    });
    expect(await runner.catchUp(projection)).toBe(10);
    expect(await kept()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await readModels.getCheckpoint(checkpointName(projection)))?.position).toBe('10');
  });

  it('given the sqlite store (no limits), when event 8 fails, then the whole batch is one transaction and nothing stays', async () => {
    expect(readModels.transactionLimits).toBeUndefined();
    const projection = bigDocs(8);
    const runner = new ProjectionRunner(events, readModels, [projection]);
    await expect(runner.catchUp(projection)).rejects.toThrow('boom at 8');
    expect(await kept()).toEqual([]);
    expect(await readModels.getCheckpoint(checkpointName(projection))).toBeNull();
  });
});

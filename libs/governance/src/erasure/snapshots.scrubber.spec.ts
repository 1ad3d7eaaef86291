import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObservedBusiness } from '@app/domain';
import { EventStore } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { FileSnapshotStore, SnapshotAltered } from '../sync/snapshot-store';
import { SnapshotsScrubber } from './snapshots.scrubber';

const observed = (): ObservedBusiness =>
  ({
    businessId: '123',
    members: [
      { pinterestUserId: '1', name: 'Ann Lee', email: 'ANN@acme.example', assets: {} },
      { pinterestUserId: '2', name: 'Zoë Ång', email: 'zoe@acme.example', assets: {} },
    ],
    invites: [{ email: 'ann@acme.example', role: 'employee', status: 'PENDING' }],
    assets: [],
    partners: [],
    complete: true,
    warnings: ['Ann Lee was listed twice'],
    evidence: [],
  }) as unknown as ObservedBusiness;

const ann = { workspaceId: 'w1', personId: 'p1', email: 'ann@acme.example', names: ['Ann Lee'] };
const zoe = { workspaceId: 'w1', personId: 'p2', email: 'zoe@acme.example', names: ['Zoë Ång'] };

describe('SnapshotsScrubber (real files)', () => {
  let dir: string;
  let store: FileSnapshotStore;
  let scrubber: SnapshotsScrubber;
  let events: EventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'snapshots-erase-'));
    store = new FileSnapshotStore(join(dir, 'snapshots'));
    events = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }));
    scrubber = new SnapshotsScrubber(join(dir, 'snapshots'), events);
  });
  afterEach(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("given a snapshot another workspace's check kept, when the same email is erased in w1, then that file is left as it is", async () => {
    const ref = await store.keep(observed());
    await events.appendToStream('automationTask-t2', [
      {
        type: 'AutomationTaskCompleted',
        data: { taskId: 't2', snapshot: ref },
        metadata: {
          workspaceId: 'w2',
          actor: 'system',
          correlationId: 'c2',
          causationId: null,
          occurredAt: '2026-12-06T10:00:00.000Z',
          schemaVersion: 1,
        },
      },
    ]);
    const before = readFileSync(store.locate(ref));
    expect(await scrubber.scrub(ann)).toEqual({ copy: 'snapshots', removed: 0 });
    expect(readFileSync(store.locate(ref)).equals(before)).toBe(true);
    expect((await store.readKept(ref)).erased).toBeNull();
  });

  it('given a kept snapshot holding the person, when scrubbed, then the file under the same name masks them and reads back as an erased copy', async () => {
    const ref = await store.keep(observed());
    expect(await scrubber.scrub(ann)).toEqual({ copy: 'snapshots', removed: 1 });
    const text = gunzipSync(readFileSync(store.locate(ref))).toString();
    expect(text).not.toMatch(/ann/i);
    expect(text).toContain('zoe@acme.example');
    const kept = await store.readKept(ref);
    expect(kept.erased).toMatchObject({ personIds: ['p1'] });
    expect(kept.snapshot.members.map((m) => m.email)).toEqual(['erased-p1', 'zoe@acme.example']);
    expect(kept.snapshot.warnings).toEqual(['erased-p1 was listed twice']);
    // and a second run (a crash made the erasure run again) changes nothing
    expect(await scrubber.scrub(ann)).toEqual({ copy: 'snapshots', removed: 0 });
  });

  it('given an erasure that stopped after its record, before the rewrite, then the original still reads and the next run finishes', async () => {
    const ref = await store.keep(observed());
    const original = readFileSync(store.locate(ref));
    await scrubber.scrub(ann);
    writeFileSync(store.locate(ref), original); // as if the rename never happened
    expect((await store.readKept(ref)).erased).toBeNull();
    expect(await scrubber.scrub(ann)).toEqual({ copy: 'snapshots', removed: 1 });
    expect((await store.readKept(ref)).erased).toMatchObject({ personIds: ['p1'] });
  });

  it('given two people erased in turn, then both are masked and any other change is still refused', async () => {
    const ref = await store.keep(observed());
    await scrubber.scrub(ann);
    await scrubber.scrub(zoe);
    const kept = await store.readKept(ref);
    expect(kept.erased).toMatchObject({ personIds: ['p1', 'p2'] });
    expect(JSON.stringify(kept.snapshot)).not.toMatch(/ann|zo/i);
    const altered = gunzipSync(readFileSync(store.locate(ref)))
      .toString()
      .replace('"complete":true', '"complete":false');
    writeFileSync(store.locate(ref), gzipSync(altered));
    await expect(store.read(ref)).rejects.toBeInstanceOf(SnapshotAltered);
  });
});

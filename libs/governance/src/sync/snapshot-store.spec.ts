import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObservedBusiness } from '@app/domain';
import {
  canonicalJson,
  FileSnapshotStore,
  SnapshotAltered,
  SnapshotMissing,
} from './snapshot-store';

const observed = (): ObservedBusiness =>
  ({
    businessId: '123',
    members: [
      {
        pinterestUserId: '2',
        name: 'Zoë',
        email: 'zoe@acme.example',
        businessRole: 'employee',
        assets: { b: ['ANALYST'], a: ['ADMIN'] },
      },
      {
        pinterestUserId: '1',
        name: 'Ann',
        email: 'ann@acme.example',
        businessRole: 'manager',
        assets: {},
      },
    ],
    invites: [],
    assets: [],
    partners: [],
    complete: false,
    warnings: ['the Employees page listed 2 of 3 people'],
    evidence: ['evidence/page.html'],
  }) as unknown as ObservedBusiness;

describe('FileSnapshotStore (real files)', () => {
  let dir: string;
  let store: FileSnapshotStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'snapshots-'));
    store = new FileSnapshotStore(join(dir, 'snapshots'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given equal observations with keys in another order, when kept, then one file named by the sha256 of the canonical JSON', async () => {
    const a = observed();
    const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());
    const b = {
      ...reversed(a),
      members: a.members.map((m) => ({ ...reversed(m), assets: reversed(m.assets) })),
    } as unknown as ObservedBusiness;
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    const ref = await store.keep(a);
    expect(await store.keep(b)).toEqual(ref);
    const canonical = canonicalJson(a);
    expect(ref).toEqual({
      sha256: createHash('sha256').update(canonical).digest('hex'),
      bytes: Buffer.byteLength(canonical),
    });
    expect(readdirSync(join(dir, 'snapshots'))).toEqual([`${ref.sha256}.json.gz`]);
    const file = store.locate(ref);
    expect(gunzipSync(readFileSync(file)).toString('utf8')).toBe(canonical);
    // read-only, and for the service's user alone (it holds personal data)
    expect(statSync(file).mode & 0o777).toBe(0o400);
    // member order is kept (it is what the import went through); keys are sorted
    expect(canonical.indexOf('"pinterestUserId":"2"')).toBeLessThan(
      canonical.indexOf('"pinterestUserId":"1"'),
    );
    expect(canonical).toContain('"assets":{"a":["ADMIN"],"b":["ANALYST"]}');
    // completeness and warnings are part of what was observed
    expect(await store.read(ref)).toEqual(JSON.parse(canonical));
    expect((await store.read(ref)).complete).toBe(false);
  });

  it('given a kept snapshot, when its file is re-written with other content, then reading it names the file as altered', async () => {
    const ref = await store.keep(observed());
    const other = { ...observed(), businessId: '999' };
    writeFileSync(store.locate(ref), gzipSync(canonicalJson(other)));
    await expect(store.read(ref)).rejects.toThrow(SnapshotAltered);
    await expect(store.read(ref)).rejects.toThrow(store.locate(ref));
  });

  it('given a kept snapshot, when one byte of it flips, then it is altered; when it is gone, it is missing', async () => {
    const ref = await store.keep(observed());
    const bytes = readFileSync(store.locate(ref));
    bytes[bytes.length - 10] ^= 0x01;
    writeFileSync(store.locate(ref), bytes);
    await expect(store.read(ref)).rejects.toThrow(SnapshotAltered);
    rmSync(store.locate(ref));
    await expect(store.read(ref)).rejects.toThrow(SnapshotMissing);
  });

  it('refuses a reference that is not a sha256 (it would name a path outside the folder)', () => {
    expect(() => store.locate({ sha256: '../../etc/passwd', bytes: 1 })).toThrow('not a sha256');
  });
});

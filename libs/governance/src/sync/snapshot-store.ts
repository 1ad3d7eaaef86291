import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { ObservedBusiness, SnapshotRef } from '@app/domain';

/**
 * Where the snapshots checks read are kept, content-addressed: a snapshot is named by the
 * sha256 of its canonical JSON, so keeping the same observation twice keeps one file, a kept
 * file never changes, and anyone holding the reference can tell whether what they read back is
 * what was kept. The file adapter below is the embedded default; an object store (a bucket
 * with `<sha256>.json.gz` keys) would be another adapter of this port.
 */
export interface SnapshotStore {
  /** Keeps the snapshot (durably, before returning) and answers its reference. */
  keep(snapshot: ObservedBusiness): Promise<SnapshotRef>;
  /**
   * The snapshot the reference names. Throws SnapshotMissing when nothing is kept under it,
   * SnapshotAltered when what is kept no longer hashes to it.
   */
  read(ref: SnapshotRef): Promise<ObservedBusiness>;
  /** Where the reference's file is, in words an operator can act on. */
  locate(ref: SnapshotRef): string;
  /**
   * Like `read`, saying whether the kept file is the erased copy (people masked as
   * `erased-<personId>`) that an erasure wrote in place of what the reference names.
   */
  readKept?(ref: SnapshotRef): Promise<KeptSnapshot>;
}

/** An erasure rewrote the kept file: the content that now stands under the reference's name. */
export interface SnapshotErasure {
  sha256: string;
  bytes: number;
  personIds: string[];
  erasedAt: string;
}

export interface KeptSnapshot {
  snapshot: ObservedBusiness;
  /** null: the file is the one the reference names, byte for byte. */
  erased: SnapshotErasure | null;
}

/** Beside `<sha256>.json.gz`: the erased versions of its content that are accepted as kept. */
export const snapshotErasureFile = (file: string): string =>
  file.replace(/\.json\.gz$/, '.erased.json');

export const SNAPSHOT_STORE = Symbol('SnapshotStore');

// On libuv's thread pool: a 10,000-member snapshot is megabytes of JSON, not for the event loop.
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export class SnapshotMissing extends Error {
  override readonly name = 'SnapshotMissing';
  constructor(
    readonly ref: SnapshotRef,
    readonly location: string,
  ) {
    super(`snapshot ${ref.sha256} is missing: ${location} does not exist`);
  }
}

export class SnapshotAltered extends Error {
  override readonly name = 'SnapshotAltered';
  constructor(
    readonly ref: SnapshotRef,
    readonly location: string,
    why: string,
  ) {
    super(`snapshot ${ref.sha256} was altered: ${location} ${why}`);
  }
}

/**
 * One JSON text per value: object keys sorted at every depth, arrays in their order (the
 * order members were read in is part of what the import did), no insignificant whitespace,
 * undefined fields left out. Equal observations give equal bytes, hence equal hashes.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

export function snapshotRefOf(canonical: Buffer): SnapshotRef {
  return { sha256: createHash('sha256').update(canonical).digest('hex'), bytes: canonical.length };
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Files `<dir>/<sha256>.json.gz` (default dir: DATA_DIR/snapshots). */
export class FileSnapshotStore implements SnapshotStore {
  constructor(private readonly dir: string) {}

  locate(ref: SnapshotRef): string {
    // A reference comes from the log; never let one name a path outside the folder.
    if (!SHA256.test(ref.sha256)) throw new Error(`not a sha256: "${ref.sha256}"`);
    return join(this.dir, `${ref.sha256}.json.gz`);
  }

  async keep(snapshot: ObservedBusiness): Promise<SnapshotRef> {
    const canonical = Buffer.from(canonicalJson(snapshot), 'utf8');
    const ref = snapshotRefOf(canonical);
    const file = this.locate(ref);
    if (await exists(file)) return ref; // the same content is already kept, and never rewritten
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Written whole under a temporary name, flushed, then renamed: a crash leaves either no
    // file or the complete one, never a torn file under the final name.
    const partial = join(this.dir, `.${ref.sha256}.${randomUUID()}.partial`);
    const handle = await fs.open(partial, 'wx', 0o400);
    try {
      await handle.writeFile(await gzipAsync(canonical));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(partial, file);
    return ref;
  }

  async read(ref: SnapshotRef): Promise<ObservedBusiness> {
    return (await this.readKept(ref)).snapshot;
  }

  async readKept(ref: SnapshotRef): Promise<KeptSnapshot> {
    const file = this.locate(ref);
    let compressed: Buffer;
    try {
      compressed = await fs.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SnapshotMissing(ref, file);
      throw error;
    }
    let canonical: Buffer;
    try {
      canonical = await gunzipAsync(compressed);
    } catch (error) {
      throw new SnapshotAltered(ref, file, `is not valid gzip (${(error as Error).message})`);
    }
    const actual = snapshotRefOf(canonical);
    let erased: SnapshotErasure | null = null;
    if (actual.sha256 !== ref.sha256 || actual.bytes !== ref.bytes) {
      // An erasure rewrote it: accepted only as one of the versions its record names.
      erased =
        (await readSnapshotErasures(file)).find(
          (v) => v.sha256 === actual.sha256 && v.bytes === actual.bytes,
        ) ?? null;
    }
    if (!erased && (actual.sha256 !== ref.sha256 || actual.bytes !== ref.bytes)) {
      throw new SnapshotAltered(
        ref,
        file,
        `holds content with sha256 ${actual.sha256} (${actual.bytes} bytes), not the ${ref.bytes} bytes recorded`,
      );
    }
    return { snapshot: JSON.parse(canonical.toString('utf8')) as ObservedBusiness, erased };
  }
}

/** The erased versions recorded beside a kept file (none when it was never erased). */
export async function readSnapshotErasures(file: string): Promise<SnapshotErasure[]> {
  try {
    const parsed = JSON.parse(await fs.readFile(snapshotErasureFile(file), 'utf8')) as {
      versions?: SnapshotErasure[];
    };
    return parsed.versions ?? [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { SnapshotRef } from '@app/domain';
import type { EventStore } from '@app/eventstore';
import {
  canonicalJson,
  readSnapshotErasures,
  type SnapshotErasure,
  snapshotErasureFile,
  snapshotRefOf,
} from '../sync/snapshot-store';
import { holdsPerson, maskValue } from './masking';
import {
  type ErasedPerson,
  type ErasureScrubber,
  namedByOtherWorkspaces,
  namesIn,
  type ScrubReport,
} from './scrubber';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Rewrites the kept check snapshots (DATA_DIR/snapshots) that hold an erased person, with
 * every spelling of them replaced by `erased-<personId>`. The file keeps its name, the sha256
 * the log refers to; beside it, `<sha256>.erased.json` records the hash of each erased
 * version, so that a reader (replay) accepts the rewritten content as the kept snapshot,
 * knows it was erased, and still refuses any other change. Left-over partial writes holding
 * the person are deleted. A snapshot another workspace's check kept (its tasks' events name the
 * hash) is left as it is: there the same email is another person.
 */
export class SnapshotsScrubber implements ErasureScrubber {
  constructor(
    private readonly dir: string,
    private readonly events: EventStore,
  ) {}

  async scrub(person: ErasedPerson): Promise<ScrubReport> {
    const names = await namesIn(this.dir);
    if (names.length === 0) return { copy: 'snapshots', removed: 0 };
    const foreign = await namedByOtherWorkspaces(
      this.events,
      { categories: ['automationTask'] },
      person.workspaceId,
      (e) => {
        const ref = (e.data as { snapshot?: SnapshotRef }).snapshot;
        return ref && typeof ref.sha256 === 'string' ? [ref.sha256] : [];
      },
    );
    let removed = 0;
    for (const name of names) {
      const file = join(this.dir, name);
      // `<sha256>.json.gz`, `.<sha256>.<uuid>.partial`, `<sha256>.erased.json`
      const sha256 = /^\.?([0-9a-f]{64})\./.exec(name)?.[1];
      if (sha256 !== undefined && foreign.has(sha256)) continue;
      if (name.endsWith('.partial')) {
        const text = (
          await gunzipAsync(await fs.readFile(file)).catch(() => Buffer.alloc(0))
        ).toString('utf8');
        if (text.length === 0 || holdsPerson(text, person)) {
          await fs.rm(file, { force: true });
          removed += 1;
        }
        continue;
      }
      if (!name.endsWith('.json.gz')) continue;
      const text = (await gunzipAsync(await fs.readFile(file))).toString('utf8');
      // Nothing of them left in clear: never held them, or already erased.
      if (!holdsPerson(text, person)) continue;
      const masked = Buffer.from(canonicalJson(maskValue(JSON.parse(text), person)), 'utf8');
      const ref = snapshotRefOf(masked);
      const versions = await readSnapshotErasures(file);
      const prior = versions.flatMap((v) => v.personIds);
      const version: SnapshotErasure = {
        ...ref,
        personIds: [...new Set([...prior, person.personId])].sort(),
        erasedAt: new Date().toISOString(),
      };
      // The record first: a crash before the rename leaves the original, still valid.
      await writeAtomically(
        snapshotErasureFile(file),
        Buffer.from(
          JSON.stringify({
            versions: [...versions.filter((v) => v.sha256 !== ref.sha256), version],
          }),
        ),
        0o600,
      );
      // Owner-only and read-only, like every kept snapshot.
      await writeAtomically(file, await gzipAsync(masked), 0o400);
      removed += 1;
    }
    return { copy: 'snapshots', removed };
  }
}

async function writeAtomically(file: string, bytes: Buffer, mode: number): Promise<void> {
  const partial = `${file}.${randomUUID()}.tmp`;
  const handle = await fs.open(partial, 'wx', mode);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(partial, file);
}

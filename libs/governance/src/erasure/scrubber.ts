import { promises as fs } from 'node:fs';
import type { EventFilter, EventStore, RecordedEvent } from '@app/eventstore';

/**
 * A person being erased, as the erasure knows them while the request runs: the workspace they
 * are a person of (a scrubber touches only that workspace's copies), the plaintext email
 * (never stored once the erasure is done), the names seen for them, and the stable id that
 * replaces them (`erased-<personId>`).
 */
export interface ErasedPerson {
  workspaceId: string;
  personId: string;
  email: string;
  names: string[];
}

export interface ScrubReport {
  /** What this scrubber looked after, e.g. "evidence", "exports". */
  copy: string;
  /** Files or rows deleted or rewritten. */
  removed: number;
}

/**
 * One kind of copy of personal data kept under DATA_DIR outside the event log and the read
 * models (evidence, exports, snapshots, notification texts). The erasure calls every
 * registered scrubber; each must be idempotent, since a crash makes the erasure run again,
 * and must leave every other workspace's copies as they are, even when they name the same
 * email (there, it is another person).
 */
export interface ErasureScrubber {
  scrub(person: ErasedPerson): Promise<ScrubReport>;
}

/** Nest multi-provider token: `{ provide: ERASURE_SCRUBBERS, useFactory: (...) => [...] }`. */
export const ERASURE_SCRUBBERS = Symbol('ERASURE_SCRUBBERS');

/**
 * The keys (export ids, snapshot hashes, message ids, evidence folders…) that events of
 * workspaces other than `workspaceId` name: copies a scrubber must leave alone. A copy no event
 * names (a write that stopped before its event) belongs to nobody else and may be scrubbed.
 */
export async function namedByOtherWorkspaces(
  events: EventStore,
  filter: EventFilter,
  workspaceId: string,
  keysOf: (event: RecordedEvent) => readonly string[],
): Promise<Set<string>> {
  const foreign = new Set<string>();
  for await (const e of events.readAll({ filter })) {
    if (e.metadata.workspaceId === workspaceId) continue;
    for (const key of keysOf(e)) foreign.add(key);
  }
  return foreign;
}

/** The names in a folder of copies; none when the folder was never made (nothing to scrub). */
export async function namesIn(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

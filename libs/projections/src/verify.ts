import type { EventStore, Position } from '@app/eventstore';
import type { Document, ReadModelStore } from '@app/readmodels';
import { canonicalJson } from './digest';
import type { Projection } from './projection';
import { readCheckpoint } from './pending-events';
import { checkpointName, ProjectionRunner } from './projection-runner';

export interface ReadModelDifference {
  projection: string;
  collection: string;
  id: string;
  kind: 'missing_in_live' | 'extra_in_live' | 'different';
}

export interface VerifyResult {
  projection: string;
  /** The live checkpoint compared at; null when the projection has applied nothing. */
  checkpoint: Position | null;
  documents: number;
  differences: ReadModelDifference[];
  /** False when the live checkpoint kept moving during every attempt (a busy service). */
  stable: boolean;
}

/**
 * Rebuilds each projection into `scratch` up to the live checkpoint and compares the two,
 * document by document. Comparing at the live checkpoint (not at the head) makes the answer
 * exact even while events keep arriving.
 */
export async function verifyProjections(
  events: EventStore,
  live: ReadModelStore,
  scratch: ReadModelStore,
  projections: readonly Projection[],
): Promise<VerifyResult[]> {
  const scratchRunner = new ProjectionRunner(events, scratch, projections);
  const results: VerifyResult[] = [];
  for (const projection of projections) {
    // A running service may move the live read model while it is compared: only a
    // comparison during which the live checkpoint stood still counts.
    for (let attempt = 1; ; attempt += 1) {
      const checkpoint = await readCheckpoint(events, live, checkpointName(projection));
      await scratchRunner.catchUp(projection, checkpoint);
      const differences: ReadModelDifference[] = [];
      let documents = 0;
      for (const spec of projection.collections) {
        for await (const diff of compareCollections(live, scratch, spec.name)) {
          differences.push({ projection: projection.name, collection: spec.name, ...diff });
        }
        documents += await scratch.collection(spec.name).count();
      }
      const after = await readCheckpoint(events, live, checkpointName(projection));
      if (after === checkpoint || attempt >= VERIFY_ATTEMPTS) {
        results.push({
          projection: projection.name,
          checkpoint,
          documents,
          differences,
          stable: after === checkpoint,
        });
        break;
      }
    }
  }
  return results;
}

const VERIFY_ATTEMPTS = 5;

async function* compareCollections(
  live: ReadModelStore,
  expected: ReadModelStore,
  name: string,
): AsyncIterable<{ id: string; kind: ReadModelDifference['kind'] }> {
  const a = live.collection<Document>(name).scan()[Symbol.asyncIterator]();
  const b = expected.collection<Document>(name).scan()[Symbol.asyncIterator]();
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && x.value.id < y.value.id)) {
      yield { id: (x.value as Document).id, kind: 'extra_in_live' };
      x = await a.next();
    } else if (x.done || y.value.id < x.value.id) {
      yield { id: y.value.id, kind: 'missing_in_live' };
      y = await b.next();
    } else {
      if (canonicalJson(x.value) !== canonicalJson(y.value))
        yield { id: x.value.id, kind: 'different' };
      x = await a.next();
      y = await b.next();
    }
  }
}

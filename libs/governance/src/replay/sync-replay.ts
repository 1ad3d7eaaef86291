import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Environment } from '@app/config';
import {
  type AutomationTaskEvent,
  automationTaskStream,
  type CheckForUpdatesRequested,
  integrationStream,
  schemaVersionOf,
  type SnapshotRef,
} from '@app/domain';
import {
  createEventStore,
  EventStore,
  type NewEvent,
  type Position,
  type RecordedEvent,
  type StreamWrite,
} from '@app/eventstore';
import {
  loadEnvironment,
  PersistenceModule,
  ProjectionsModule,
  upcasters,
} from '@app/infrastructure';
import { allProjections } from '../projections.registry';
import { IdentityCandidates } from '../sync/identity-candidates';
import { SnapshotImporter } from '../sync/snapshot-importer';
import { compareMasked } from '../erasure/masking';
import { canonicalJson, type SnapshotErasure, type SnapshotStore } from '../sync/snapshot-store';

/**
 * The streams a check's import appends to (SnapshotImporter: the business's catalog and its
 * members). The replay compares exactly these events; the task's own steps, the integration's
 * end of check and the automation account's login are the process around the import.
 */
export const IMPORT_CATEGORIES = ['business', 'member'] as const;

/** What is compared of each event: everything but what a second run necessarily changes. */
export interface ComparedEvent {
  type: string;
  stream: string;
  /** Who the import recorded it as: the requester, or `pinterest` for drift. */
  actor: string;
  data: unknown;
}

export interface EventDifference {
  /** 0-based index in the import's events, in log order. */
  index: number;
  recorded: ComparedEvent | null;
  replayed: ComparedEvent | null;
}

export interface ReplayReport {
  taskId: string;
  integrationId: string;
  snapshot: SnapshotRef & { file: string };
  /** The attempt whose snapshot was replayed. */
  attempt: number;
  /** The scratch store held every event recorded before this one (the attempt's start). */
  stateBefore: { beforePosition: string; events: number };
  compared: string;
  recorded: ComparedEvent[];
  replayed: ComparedEvent[];
  identical: boolean;
  differences: EventDifference[];
  /**
   * The kept snapshot is an erased copy (people masked as `erased-<personId>`): events were
   * compared with the erased fields masked, and `maskedFields` differed only there.
   */
  erased: (SnapshotErasure & { maskedFields: number }) | null;
}

/** The task cannot be replayed at all (unknown, or it kept no snapshot): a usage error. */
export class NotReplayable extends Error {
  override readonly name = 'NotReplayable';
}

export const COMPARED_FIELDS =
  'per event, in log order: type, stream, metadata.actor and data (upcast to the current schema), ' +
  'compared as canonical JSON; ignored: event id, position, revision, recordedAt, occurredAt, ' +
  'correlationId and causationId (a replay appends new events at new positions and times)';

/**
 * Replays a check's import for an investigation, never touching the live stores: the events
 * recorded before the attempt that read the kept snapshot are copied into a scratch SQLite
 * event store (with a scratch SQLite read-model store beside it, both in a temporary folder
 * removed afterwards), the projections catch up there, and the same SnapshotImporter (the
 * same deciders) imports the kept snapshot. The events that yields are set beside the events
 * the import recorded in the live log.
 */
export async function replaySync(
  live: EventStore,
  snapshots: SnapshotStore,
  taskId: string,
  options: { safeguardPercent: number },
): Promise<ReplayReport> {
  const taskEvents = await live.readStream(automationTaskStream(taskId));
  if (taskEvents.length === 0) throw new NotReplayable(`automation task ${taskId} not found`);
  const queued = taskEvents.find((e) => e.type === 'AutomationTaskQueued') as
    (RecordedEvent & AutomationTaskEvent & { type: 'AutomationTaskQueued' }) | undefined;
  const referencing = [...taskEvents].reverse().find((e) => snapshotRefIn(e) !== null);
  if (!queued || !referencing) {
    throw new NotReplayable(
      `automation task ${taskId} kept no snapshot: it is not a check, never read Pinterest, ` +
        'or ran before snapshots were kept',
    );
  }
  const ref = snapshotRefIn(referencing) as SnapshotRef;
  // The attempt that read it is the last one started before the event naming it.
  const started = taskEvents
    .filter((e) => e.type === 'AutomationTaskStarted' && e.revision < referencing.revision)
    .pop();
  if (!started)
    throw new NotReplayable(`automation task ${taskId} names a snapshot but no attempt`);
  const requestId = started.metadata.causationId;
  const integrationId = (queued.data as { integrationId: string }).integrationId;
  const request = (await live.readStream(integrationStream(integrationId))).find(
    (e) => e.id === requestId && e.type === 'CheckForUpdatesRequested',
  ) as (RecordedEvent & CheckForUpdatesRequested) | undefined;
  if (!request) {
    throw new NotReplayable(`automation task ${taskId}: its CheckForUpdatesRequested is missing`);
  }

  // Read (and verify) the evidence first: a missing or altered file ends it here.
  const kept = snapshots.readKept
    ? await snapshots.readKept(ref)
    : { snapshot: await snapshots.read(ref), erased: null };
  const snapshot = kept.snapshot;
  const recorded = await importEventsOf(live, request.id, started.position, referencing.position);

  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  try {
    const copied = await copyBefore(live, started.position, dir);
    const replayed = await inScratch(dir, async (app) => {
      const scratch = app.get(EventStore);
      const head = await scratch.headPosition();
      await app.get(SnapshotImporter).import(
        snapshot,
        {
          workspaceId: request.metadata.workspaceId,
          integrationId,
          actor: request.metadata.actor,
          correlationId: request.metadata.correlationId,
          causationId: request.id,
        },
        {
          safeguardPercent: options.safeguardPercent,
          confirmDepartures: request.data.confirmDepartures === true,
        },
      );
      const out: ComparedEvent[] = [];
      for await (const e of scratch.readAll({
        after: head ?? undefined,
        filter: { categories: IMPORT_CATEGORIES },
      })) {
        out.push(comparedOf(e));
      }
      return out;
    });
    const { differences, maskedFields } = diff(recorded, replayed);
    return {
      taskId,
      integrationId,
      snapshot: { ...ref, file: snapshots.locate(ref) },
      attempt: (started.data as { attempt: number }).attempt,
      stateBefore: { beforePosition: started.position, events: copied },
      compared: COMPARED_FIELDS,
      recorded,
      replayed,
      identical: differences.length === 0,
      differences,
      erased: kept.erased ? { ...kept.erased, maskedFields } : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function snapshotRefIn(e: RecordedEvent): SnapshotRef | null {
  const data = e.data as { snapshot?: SnapshotRef } | null;
  return data?.snapshot && typeof data.snapshot.sha256 === 'string' ? data.snapshot : null;
}

function comparedOf(e: RecordedEvent): ComparedEvent {
  return { type: e.type, stream: e.stream, actor: e.metadata.actor, data: e.data };
}

/** What the attempt's import recorded: caused by the request, between the start and the end. */
async function importEventsOf(
  live: EventStore,
  requestId: string,
  after: Position,
  until: Position,
): Promise<ComparedEvent[]> {
  const out: ComparedEvent[] = [];
  for await (const e of live.readAll({ after, filter: { categories: IMPORT_CATEGORIES } })) {
    if (live.comparePositions(e.position, until) >= 0) break;
    if (e.metadata.causationId === requestId) out.push(comparedOf(e));
  }
  return out;
}

/**
 * Copies every event before `before` into a new SQLite event store under `dir`, in log order,
 * each stream at the same revisions. The data is copied as read (already upcast), so it is
 * stamped with the current schema version: reading it back must not upcast it twice.
 */
async function copyBefore(live: EventStore, before: Position, dir: string): Promise<number> {
  const scratch = createEventStore({ dataDir: dir, upcasters: upcasters() });
  let copied = 0;
  let batch: StreamWrite[] = [];
  let inBatch = new Set<string>();
  const flush = async () => {
    if (batch.length > 0) await scratch.appendToStreams(batch);
    batch = [];
    inBatch = new Set();
  };
  try {
    for await (const e of live.readAll()) {
      if (live.comparePositions(e.position, before) >= 0) break;
      const event: NewEvent = {
        id: e.id,
        type: e.type,
        data: e.data,
        metadata: { ...e.metadata, schemaVersion: schemaVersionOf(e.type) },
      };
      const last = batch[batch.length - 1];
      if (last?.stream === e.stream) {
        (last.events as NewEvent[]).push(event);
      } else {
        // One write per stream per multi-stream append: a stream met again starts a new one,
        // so the copy keeps the log's order.
        if (inBatch.has(e.stream) || batch.length >= 500) await flush();
        batch.push({
          stream: e.stream,
          events: [event],
          expectedRevision: e.revision === 0 ? 'no_stream' : e.revision - 1,
        });
        inBatch.add(e.stream);
      }
      copied += 1;
    }
    await flush();
  } finally {
    await scratch.close();
  }
  return copied;
}

/** The import's collaborators wired on the scratch folder only (SQLite, whatever the live uses). */
async function inScratch<T>(
  dir: string,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const env = loadEnvironment({
    ...process.env,
    DATA_DIR: dir,
    EVENTSTORE_URL: '',
    MONGO_URL: '',
    SERVICE_ROLE: 'all',
  });
  @Global()
  @Module({ providers: [{ provide: Environment, useValue: env }], exports: [Environment] })
  class ScratchConfigModule {}
  @Module({
    imports: [
      ScratchConfigModule,
      PersistenceModule,
      ProjectionsModule.forRoot({ projections: allProjections(), run: true }),
    ],
    providers: [SnapshotImporter, IdentityCandidates],
  })
  class ScratchModule {}
  const app = await NestFactory.createApplicationContext(ScratchModule, { logger: ['error'] });
  await app.init();
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/**
 * Event by event; a field where either side shows an erased person (`erased-<personId>`:
 * the log after an erasure, or the erased copy of the snapshot) matches whatever the other
 * side holds there, so an erasure reads as erased, not as a different import.
 */
function diff(
  recorded: ComparedEvent[],
  replayed: ComparedEvent[],
): { differences: EventDifference[]; maskedFields: number } {
  const out: EventDifference[] = [];
  let maskedFields = 0;
  for (let i = 0; i < Math.max(recorded.length, replayed.length); i++) {
    const a = recorded[i] ?? null;
    const b = replayed[i] ?? null;
    if (a && b && canonicalJson(a) === canonicalJson(b)) continue;
    const masked = a && b ? compareMasked(a, b) : { equal: false, maskedFields: 0 };
    if (masked.equal) {
      maskedFields += masked.maskedFields;
      continue;
    }
    out.push({ index: i, recorded: a, replayed: b });
  }
  return { differences: out, maskedFields };
}

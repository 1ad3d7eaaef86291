import type { EventStore, Position, RecordedEvent } from '@app/eventstore';
import type { ReadModelStore, TransactionLimits } from '@app/readmodels';
import { batches } from './batches';
import { countAfter, hasPendingEvents, readCheckpoint } from './pending-events';
import type { Projection } from './projection';
import { UnitOfWork } from './unit-of-work';

export interface ProjectionLag {
  name: string;
  version: number;
  state: 'stopped' | 'catching_up' | 'live' | 'retrying';
  /** Position of the last event applied; null before the first. */
  checkpoint: Position | null;
  /** Position of the last event in the log; null when it is empty. */
  headPosition: Position | null;
  /** Matching events after the checkpoint (capped at `LAG_COUNT_CAP`). */
  eventsBehind: number;
  /** How long the oldest unapplied event has waited; 0 when caught up. */
  msBehind: number;
  lastError: string | null;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

const LAG_COUNT_CAP = 100_000;
const META = 'projection_versions';

interface Running {
  stopRequested: boolean;
  close: (() => Promise<void>) | null;
  done: Promise<void>;
  state: ProjectionLag['state'];
  lastError: string | null;
  /** Cuts a retry back-off short when the projection is stopped. */
  wake: (() => void) | null;
}

export function checkpointName(projection: Pick<Projection, 'name'>): string {
  return `projection:${projection.name}`;
}

/**
 * Feeds projections from the event store into the read-model store. Each projection has its
 * own checkpoint, written in the same transaction as the batch's read-model writes, so a crash
 * at any moment leaves read models that a restart continues from without loss or double count.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, Running>();
  private readonly byName: Map<string, Projection>;

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    readonly projections: readonly Projection[],
    private readonly options: {
      batchSize?: number;
      logger?: RunnerLogger;
      /** Defaults to the store's own (mongodb's size and time limits; none on sqlite). */
      transactionLimits?: TransactionLimits;
    } = {},
  ) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
    if (this.byName.size !== projections.length) throw new Error('projection names must be unique');
  }

  get(name: string): Projection {
    const projection = this.byName.get(name);
    if (!projection) {
      throw new Error(`unknown projection "${name}"; known: ${[...this.byName.keys()].join(', ')}`);
    }
    return projection;
  }

  /** Prepares every projection (a changed version drops and rebuilds it) and runs them live. */
  async start(): Promise<void> {
    for (const projection of this.projections) {
      await this.prepare(projection);
      this.launch(projection);
    }
  }

  private readonly prepared = new Set<string>();

  async stop(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stopOne(name)));
  }

  /** Drops the projection's collections and checkpoint and replays the whole log into it. */
  async rebuild(name: string): Promise<number> {
    const projection = this.get(name);
    const wasRunning = this.running.has(name);
    await this.stopOne(name);
    await this.reset(projection);
    const applied = await this.catchUp(projection);
    if (wasRunning) this.launch(projection);
    return applied;
  }

  /**
   * Applies every matching event after the checkpoint, up to `untilPosition` (undefined: the
   * head when called; null: nothing, as for an empty log), in batches. Returns how many events
   * were applied.
   */
  async catchUp(projection: Projection, untilPosition?: Position | null): Promise<number> {
    await this.prepare(projection);
    const until = untilPosition === undefined ? await this.events.headPosition() : untilPosition;
    const after = await this.checkpoint(projection);
    if (until === null || this.events.isAtOrAfter(after, until)) return 0;
    let applied = 0;
    const source = this.events.readAll({ after: after ?? undefined, filter: projection.filter });
    for await (const batch of batches(this.takeUntil(source, until), this.batchSize)) {
      applied += await this.apply(projection, batch);
    }
    return applied;
  }

  /**
   * Resolves once every projection (or only those named in `only`, for a caller that reads just
   * their read models) has applied all matching events up to `position` (null, an empty log's
   * head: at once).
   */
  async waitFor(
    position: Position | null,
    timeoutMs = 10_000,
    only?: readonly string[],
  ): Promise<void> {
    const awaited = only ? only.map((name) => this.get(name)) : this.projections;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = await Promise.all(awaited.map((p) => this.isBehind(p, position)));
      if (!behind.some(Boolean)) return;
      if (Date.now() > deadline) {
        const names = awaited.filter((_, i) => behind[i]).map((p) => p.name);
        throw new Error(
          `projections not caught up to ${String(position)} after ${timeoutMs} ms: ${names.join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * How many matching events each projection has yet to apply, counting no further than `cap`
   * (a reader that only needs "more than N" reads at most N + 1 events per projection).
   */
  async eventsBehind(cap: number): Promise<{ name: string; eventsBehind: number }[]> {
    const result: { name: string; eventsBehind: number }[] = [];
    for (const projection of this.projections) {
      result.push({
        name: projection.name,
        eventsBehind: await countAfter(
          this.events,
          projection.filter,
          await this.checkpoint(projection),
          cap,
        ),
      });
    }
    return result;
  }

  async status(): Promise<ProjectionLag[]> {
    const head = await this.events.headPosition();
    const result: ProjectionLag[] = [];
    for (const projection of this.projections) {
      const checkpoint = await this.checkpoint(projection);
      let eventsBehind = 0;
      let oldest: RecordedEvent | null = null;
      for await (const e of this.events.readAll({
        after: checkpoint ?? undefined,
        filter: projection.filter,
        maxCount: LAG_COUNT_CAP,
      })) {
        oldest ??= e;
        eventsBehind += 1;
      }
      const running = this.running.get(projection.name);
      result.push({
        name: projection.name,
        version: projection.version,
        state: running?.state ?? 'stopped',
        checkpoint,
        headPosition: head,
        eventsBehind,
        msBehind: oldest ? Math.max(0, Date.now() - Date.parse(oldest.recordedAt)) : 0,
        lastError: running?.lastError ?? null,
      });
    }
    return result;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 1000;
  }

  private async isBehind(projection: Projection, position: Position | null): Promise<boolean> {
    const checkpoint = await this.checkpoint(projection);
    return hasPendingEvents(this.events, projection.filter, checkpoint, position);
  }

  private checkpoint(projection: Projection): Promise<Position | null> {
    return readCheckpoint(this.events, this.readModels, checkpointName(projection));
  }

  private async prepare(projection: Projection): Promise<void> {
    if (this.prepared.has(projection.name)) return;
    await this.readModels.ensureCollection({ name: META, indexes: [] });
    const meta = await this.readModels.collection(META).get(projection.name);
    if (meta && meta['version'] !== projection.version) {
      this.options.logger?.log(
        `projection ${projection.name}: version ${String(meta['version'])} → ${projection.version}, rebuilding`,
      );
      await this.reset(projection);
    } else if (!meta) {
      await this.readModels
        .collection(META)
        .upsert({ id: projection.name, version: projection.version });
    }
    await this.ensureCollections(projection);
    this.prepared.add(projection.name);
  }

  private async ensureCollections(projection: Projection): Promise<void> {
    for (const spec of projection.collections) await this.readModels.ensureCollection(spec);
  }

  private async reset(projection: Projection): Promise<void> {
    for (const spec of projection.collections) await this.readModels.dropCollection(spec.name);
    await this.readModels.ensureCollection({ name: META, indexes: [] });
    await this.readModels.transaction(async (tx) => {
      await tx.deleteCheckpoint(checkpointName(projection));
      await tx.collection(META).upsert({ id: projection.name, version: projection.version });
    });
    await this.ensureCollections(projection);
  }

  /**
   * Applies a batch in as few transactions as the store's limits allow: when the writes of a
   * transaction reach `maxBytes`, or it has run for `maxMs`, it commits what it has with the
   * checkpoint of its last event, and the rest of the batch goes on in the next one. Each
   * transaction moves the checkpoint with its own writes, so a crash between two loses nothing.
   */
  private async apply(projection: Projection, batch: readonly RecordedEvent[]): Promise<number> {
    const owned = new Set(projection.collections.map((c) => c.name));
    const limits = this.options.transactionLimits ?? this.readModels.transactionLimits;
    let applied = 0;
    let rest = batch;
    while (rest.length > 0) {
      const pending = rest;
      const { count, remaining } = await this.readModels.transaction(async (tx) => {
        // Another process (the CLI, a second worker) may have moved the checkpoint since this
        // batch was read: skipping what it already applied keeps counters exact. Read inside
        // the transaction, so it is the checkpoint this transaction will overwrite.
        const text = (await tx.getCheckpoint(checkpointName(projection)))?.position;
        const stored = text === undefined ? null : this.events.parsePosition(text);
        const fresh =
          stored === null
            ? pending
            : pending.filter((e) => this.events.comparePositions(e.position, stored) > 0);
        if (fresh.length === 0) return { count: 0, remaining: [] };
        const started = Date.now();
        const work = new UnitOfWork(tx, owned, limits !== undefined);
        let handled = 0;
        for (const event of fresh) {
          await projection.handle(event, work);
          handled += 1;
          if (
            limits !== undefined &&
            (work.writtenBytes >= limits.maxBytes || Date.now() - started >= limits.maxMs)
          ) {
            break;
          }
        }
        await work.flush();
        await tx.setCheckpoint(checkpointName(projection), fresh[handled - 1].position);
        return { count: handled, remaining: fresh.slice(handled) };
      });
      applied += count;
      rest = remaining;
    }
    return applied;
  }

  private launch(projection: Projection): void {
    const running: Running = {
      stopRequested: false,
      close: null,
      done: Promise.resolve(),
      state: 'catching_up',
      lastError: null,
      wake: null,
    };
    running.done = this.loop(projection, running);
    this.running.set(projection.name, running);
  }

  private async loop(projection: Projection, running: Running): Promise<void> {
    let failures = 0;
    while (!running.stopRequested) {
      try {
        running.state = 'catching_up';
        await this.catchUp(projection);
        if (running.stopRequested) return;
        const after = await this.checkpoint(projection);
        const subscription = this.events.subscribe({
          after: after ?? undefined,
          filter: projection.filter,
          batchSize: this.batchSize,
        });
        running.close = () => subscription.close();
        running.state = 'live';
        for await (const batch of batches(subscription, this.batchSize)) {
          await this.apply(projection, batch);
          failures = 0;
          running.lastError = null;
          if (running.stopRequested) break;
        }
        await subscription.close();
      } catch (error) {
        if (running.stopRequested) return;
        failures += 1;
        running.state = 'retrying';
        running.lastError = error instanceof Error ? error.message : String(error);
        this.options.logger?.error(
          `projection ${projection.name} failed (attempt ${failures}): ${running.lastError}`,
        );
        const delay = Math.min(60_000, 250 * 2 ** Math.min(failures, 8));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          running.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        running.wake = null;
      }
    }
  }

  private async *takeUntil(
    source: AsyncIterable<RecordedEvent>,
    until: Position,
  ): AsyncIterable<RecordedEvent> {
    for await (const e of source) {
      if (this.events.comparePositions(e.position, until) > 0) return;
      yield e;
    }
  }

  private async stopOne(name: string): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    running.stopRequested = true;
    running.wake?.();
    await running.close?.();
    await running.done;
    this.running.delete(name);
  }
}

import type { EventFilter, EventStore, Position, RecordedEvent } from '@app/eventstore';
import type { ReadModelStore } from '@app/readmodels';
import { countAfter, hasPendingEvents, readCheckpoint } from './pending-events';
import type { RunnerLogger } from './projection-runner';

/**
 * A reaction to events that must survive crashes (a process manager): it reads the store
 * with its own checkpoint, never the in-memory event bus. `handle` must be idempotent: after a
 * crash, every event not yet checkpointed is delivered again.
 */
export interface EventConsumer {
  readonly name: string;
  readonly filter: EventFilter;
  /** How many events may be handled at once (default 1: in order). */
  readonly concurrency?: number;
  /** Events with the same key are never handled at the same time (e.g. one member). */
  keyOf?(event: RecordedEvent): string;
  handle(event: RecordedEvent): Promise<void>;
}

export const consumerCheckpoint = (consumer: Pick<EventConsumer, 'name'>): string =>
  `consumer:${consumer.name}`;

/**
 * Feeds a consumer from its checkpoint, with up to `concurrency` events in flight. The
 * checkpoint only moves past an event once it and every earlier one are handled, so a crash
 * never skips an unfinished event.
 */
export class DurableConsumerRunner {
  private stopRequested = false;
  private closeSubscription: (() => Promise<void>) | null = null;
  private wake: (() => void) | null = null;
  private done: Promise<void> | null = null;
  lastError: string | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    readonly consumer: EventConsumer,
    private readonly logger?: RunnerLogger,
  ) {}

  start(): void {
    if (this.done) return;
    this.stopRequested = false;
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wake?.();
    await this.closeSubscription?.();
    await this.done;
    this.done = null;
  }

  /** Position of the last event handled with every earlier one; null before the first. */
  checkpoint(): Promise<Position | null> {
    return readCheckpoint(this.events, this.readModels, consumerCheckpoint(this.consumer));
  }

  /** Matching events not yet handled (the queue behind the checkpoint), counted up to `cap`. */
  async pending(cap: number): Promise<number> {
    return countAfter(this.events, this.consumer.filter, await this.checkpoint(), cap);
  }

  /** Resolves once every matching event up to `position` (null: none) has been handled. */
  async waitFor(position: Position | null, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = await hasPendingEvents(
        this.events,
        this.consumer.filter,
        await this.checkpoint(),
        position,
      );
      if (!behind) return;
      if (Date.now() > deadline)
        throw new Error(`consumer ${this.consumer.name} not caught up to ${String(position)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopRequested) {
      const inFlight = new InFlight(Math.max(1, this.consumer.concurrency ?? 1));
      try {
        const subscription = this.events.subscribe({
          after: (await this.checkpoint()) ?? undefined,
          filter: this.consumer.filter,
        });
        this.closeSubscription = () => subscription.close();
        for await (const event of subscription) {
          if (this.stopRequested) break;
          await inFlight.admit();
          inFlight.run(
            event.position,
            this.consumer.keyOf?.(event) ?? null,
            () => this.handleWithRetry(event),
            (position) => this.saveCheckpoint(position),
          );
          if (inFlight.failure) throw inFlight.failure;
          failures = 0;
          this.lastError = null;
        }
        await subscription.close();
        await inFlight.drain();
      } catch (error) {
        await inFlight.drain().catch(() => undefined);
        if (this.stopRequested) return;
        failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger?.error(
          `consumer ${this.consumer.name} failed (attempt ${failures}): ${this.lastError}`,
        );
        await this.sleep(Math.min(60_000, 250 * 2 ** Math.min(failures, 8)));
      }
    }
  }

  /** A handler that throws (the store was unavailable, say) is retried; the event is never skipped. */
  private async handleWithRetry(event: RecordedEvent): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.consumer.handle(event);
        return;
      } catch (error) {
        if (this.stopRequested) throw error;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger?.error(
          `consumer ${this.consumer.name}: event ${event.position} failed (attempt ${attempt}): ${this.lastError}`,
        );
        await this.sleep(Math.min(60_000, 250 * 2 ** Math.min(attempt, 8)));
      }
    }
  }

  private async saveCheckpoint(position: Position): Promise<void> {
    await this.readModels.transaction((tx) =>
      tx.setCheckpoint(consumerCheckpoint(this.consumer), position),
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wake = null;
    });
  }
}

/** Bounded work in flight, per-key exclusion, and the contiguous prefix of finished positions. */
class InFlight {
  private readonly positions: Position[] = [];
  private readonly finished = new Set<Position>();
  private readonly byKey = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private waiting: (() => void) | null = null;
  private checkpointing: Promise<void> = Promise.resolve();
  failure: unknown = null;

  constructor(private readonly limit: number) {}

  async admit(): Promise<void> {
    while (this.running.size >= this.limit) {
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  run(
    position: Position,
    key: string | null,
    work: () => Promise<void>,
    checkpoint: (position: Position) => Promise<void>,
  ): void {
    this.positions.push(position);
    const previous = key ? (this.byKey.get(key) ?? Promise.resolve()) : Promise.resolve();
    const task: Promise<void> = previous
      .then(work)
      .then(() => {
        this.finished.add(position);
        let last: Position | null = null;
        while (this.positions.length > 0 && this.finished.has(this.positions[0])) {
          last = this.positions.shift() as Position;
          this.finished.delete(last);
        }
        if (last !== null) {
          const upTo = last;
          this.checkpointing = this.checkpointing.then(() => checkpoint(upTo));
          return this.checkpointing;
        }
        return undefined;
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.running.delete(task);
        if (key && this.byKey.get(key) === task) this.byKey.delete(key);
        const wake = this.waiting;
        this.waiting = null;
        wake?.();
      });
    this.running.add(task);
    if (key) this.byKey.set(key, task);
  }

  async drain(): Promise<void> {
    await Promise.all([...this.running]);
    await this.checkpointing;
  }
}

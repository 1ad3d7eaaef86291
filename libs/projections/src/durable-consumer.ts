import type { EventFilter, EventStore, RecordedEvent } from '@app/eventstore';
import type { ReadModelStore } from '@app/readmodels';
import type { RunnerLogger } from './projection-runner';

/**
 * A reaction to events that must survive crashes (a process manager): it reads the store
 * with its own checkpoint, never the in-memory event bus. `handle` must be idempotent: after a
 * crash the event being handled is delivered again.
 */
export interface EventConsumer {
  readonly name: string;
  readonly filter: EventFilter;
  handle(event: RecordedEvent): Promise<void>;
}

export const consumerCheckpoint = (consumer: Pick<EventConsumer, 'name'>): string => `consumer:${consumer.name}`;

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

  async checkpoint(): Promise<number> {
    return (await this.readModels.getCheckpoint(consumerCheckpoint(this.consumer)))?.position ?? 0;
  }

  /** Resolves once every matching event up to `position` has been handled. */
  async waitFor(position: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoint = await this.checkpoint();
      let behind = false;
      if (checkpoint < position) {
        for await (const e of this.events.readAll({ fromPosition: checkpoint + 1, filter: this.consumer.filter, maxCount: 1 })) {
          behind = e.position <= position;
        }
      }
      if (!behind) return;
      if (Date.now() > deadline) throw new Error(`consumer ${this.consumer.name} not caught up to ${position}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopRequested) {
      try {
        const subscription = this.events.subscribe({ fromPosition: await this.checkpoint(), filter: this.consumer.filter });
        this.closeSubscription = () => subscription.close();
        for await (const event of subscription) {
          if (this.stopRequested) break;
          await this.consumer.handle(event);
          await this.readModels.transaction((tx) => tx.setCheckpoint(consumerCheckpoint(this.consumer), event.position));
          failures = 0;
          this.lastError = null;
        }
        await subscription.close();
      } catch (error) {
        if (this.stopRequested) return;
        failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger?.error(`consumer ${this.consumer.name} failed (attempt ${failures}): ${this.lastError}`);
        const delay = Math.min(60_000, 250 * 2 ** Math.min(failures, 8));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}

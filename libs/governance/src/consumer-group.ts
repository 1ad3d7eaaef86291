import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@app/eventstore';
import { WORKER_ORDER, type WorkerLease } from '@app/infrastructure';
import { DurableConsumerRunner, type EventConsumer } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';

export interface ConsumerGroupOptions {
  /** The logger's context. */
  logger: string;
  /** The group's name under the worker lease. */
  leaseName: string;
  /** How runner() names one in its error. */
  kind: string;
  run: boolean;
}

/**
 * Process managers from the store, each with its own checkpoint: under the worker lease they
 * run only in the process that holds it, without one wherever `run` says.
 */
export abstract class ConsumerGroup implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runners: DurableConsumerRunner[];

  protected constructor(
    events: EventStore,
    readModels: ReadModelStore,
    consumers: EventConsumer[],
    private readonly options: ConsumerGroupOptions,
    private readonly lease?: WorkerLease,
  ) {
    const logger = new Logger(options.logger);
    const log = { log: (m: string) => logger.log(m), error: (m: string) => logger.error(m) };
    this.runners = consumers.map((c) => new DurableConsumerRunner(events, readModels, c, log));
    lease?.register(WORKER_ORDER.processManagers, {
      name: options.leaseName,
      start: () => this.runners.forEach((runner) => runner.start()),
      stop: async () => void (await Promise.all(this.runners.map((r) => r.stop()))),
    });
  }

  onApplicationBootstrap(): void {
    if (this.options.run && !this.lease) for (const runner of this.runners) runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  /** The group's name under the worker lease (`sagas`, `notifications`): the metrics' label. */
  get group(): string {
    return this.options.leaseName;
  }

  /** Each consumer's unhandled events, counted up to `cap`. */
  async queueDepths(cap: number): Promise<{ consumer: string; depth: number }[]> {
    return Promise.all(
      this.runners.map(async (r) => ({ consumer: r.consumer.name, depth: await r.pending(cap) })),
    );
  }

  runner(name: string): DurableConsumerRunner {
    const runner = this.runners.find((r) => r.consumer.name === name);
    if (!runner) throw new Error(`no ${this.options.kind} ${name}`);
    return runner;
  }
}

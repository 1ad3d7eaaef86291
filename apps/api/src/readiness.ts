import { Inject, Injectable } from '@nestjs/common';
import { Environment } from '@app/config';
import { EventStore } from '@app/eventstore';
import { READ_MODEL_STORE, WorkerLease } from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';

export type Readiness = { ready: true } | { ready: false; reason: string };

/** A store that does not answer within this is as good as unreachable to a load balancer. */
const STORE_TIMEOUT_MS = 2_000;
/** Probes come every few seconds from each balancer: counting lag once a second is enough. */
const LAG_REUSE_MS = 1_000;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Whether this process should get traffic: its stores answer, and, when it is the one running
 * the projections (it holds the worker lease), none is more than READY_MAX_LAG events behind.
 * An `api` process reads what the worker projects but does not wait on it: a lagging worker
 * makes reads stale, not this process broken, so it stays ready.
 */
@Injectable()
export class ReadinessProbe {
  private lag: { at: number; answer: Promise<Readiness>; settled: boolean } | null = null;

  constructor(
    private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly lease: WorkerLease,
    private readonly env: Environment,
  ) {}

  async check(): Promise<Readiness> {
    // The error itself stays out of the answer: a driver's message may name a host or a user.
    try {
      await within(this.events.headPosition(), STORE_TIMEOUT_MS);
    } catch {
      return { ready: false, reason: `the event store (${this.events.kind}) does not answer` };
    }
    try {
      await within(this.readModels.getCheckpoint('health:ready'), STORE_TIMEOUT_MS);
    } catch {
      return {
        ready: false,
        reason: `the read-model store (${this.readModels.kind}) does not answer`,
      };
    }
    if (!this.lease.keeper?.isRunning) return { ready: true };
    const now = Date.now();
    // One count at a time: while a slow count runs (a projection far behind), every probe
    // waits for it rather than starting another that would take the loop from the projections.
    if (!this.lag || (this.lag.settled && now - this.lag.at > LAG_REUSE_MS)) {
      const lag = { at: now, answer: this.lagged(), settled: false };
      void lag.answer.finally(() => {
        lag.settled = true;
        lag.at = Date.now();
      });
      this.lag = lag;
    }
    return this.lag.answer;
  }

  private async lagged(): Promise<Readiness> {
    const max = this.env.READY_MAX_LAG;
    try {
      const behind = (await this.projections.eventsBehind(max + 1)).filter(
        (p) => p.eventsBehind > max,
      );
      if (behind.length === 0) return { ready: true };
      return {
        ready: false,
        reason: `projections more than READY_MAX_LAG=${max} events behind the log: ${behind.map((p) => p.name).join(', ')}`,
      };
    } catch {
      return { ready: false, reason: 'the projections lag could not be read' };
    }
  }
}

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { leaseIsLive, type Lease, type LeaseHolder, type LeaseStore } from '@app/readmodels';
import type { RunnerLogger } from './projection-runner';

/** The lease that the worker (projections, sagas, scheduled check) runs under. */
export const WORKER_LEASE = 'workers';
export const WORKER_LEASE_TTL_MS = 15_000;
export const WORKER_LEASE_RENEW_MS = 5_000;

/** Something that may only run while this process holds the lease. */
export interface LeasedWorker {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface LeaseKeeperOptions {
  name?: string;
  ttlMs?: number;
  renewMs?: number;
  logger?: RunnerLogger;
}

export function leaseHolder(role: string): LeaseHolder {
  return { id: randomUUID(), host: hostname(), pid: process.pid, role };
}

/** Whether a process of this host with that pid still exists (EPERM: it does, not ours). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Keeps this process's workers running only while it holds the lease: it takes or renews
 * the lease every `renewMs`, starts the workers (in order) when it gets it, and stops them
 * (in reverse) when it loses it or cannot renew it for so long that another process may
 * take it over. A lease whose holder ran on this host in a process that no longer exists
 * (kill -9, then a restart) is taken at once rather than after it expires.
 */
export class LeaseKeeper {
  readonly holder: LeaseHolder;
  private readonly name: string;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private running = false;
  private lastHeldAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  /** Starts and stops of the workers, apart from the beats, so a slow start never delays one. */
  private transition: Promise<void> = Promise.resolve();
  private onFirstStart: ((started: Promise<void>) => void) | null = null;
  private stopped = false;

  constructor(
    private readonly leases: LeaseStore,
    holder: LeaseHolder,
    private readonly workers: () => readonly LeasedWorker[],
    private readonly options: LeaseKeeperOptions = {},
  ) {
    this.holder = holder;
    this.name = options.name ?? WORKER_LEASE;
    this.ttlMs = options.ttlMs ?? WORKER_LEASE_TTL_MS;
    this.renewMs = options.renewMs ?? WORKER_LEASE_RENEW_MS;
    if (this.renewMs * 2 >= this.ttlMs) {
      throw new RangeError('the lease must be renewed at least twice within its lifetime');
    }
  }

  /** Whether the workers run here now. */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * The first attempt is awaited, so a free lease means the workers run when this returns;
   * the beats go on meanwhile, however long the workers take to start. If they fail to
   * start, the lease is given back and the error thrown.
   */
  async start(): Promise<void> {
    this.stopped = false;
    let firstStart: Promise<void> = Promise.resolve();
    this.onFirstStart = (started) => (firstStart = started);
    await this.tickOnce();
    this.onFirstStart = null;
    this.timer = setInterval(() => {
      this.ticking = this.ticking
        .then(() => this.tickOnce())
        .catch((error: unknown) => {
          this.options.logger?.error(`lease ${this.name}: ${message(error)}`);
        });
    }, this.renewMs);
    this.timer.unref();
    try {
      await firstStart;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops the workers, then releases the lease so that another process can take it at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.transition.catch(() => undefined);
    if (this.running) {
      this.running = false;
      await this.stopWorkers();
    }
    try {
      await this.leases.release(this.name, this.holder.id);
    } catch (error) {
      this.options.logger?.error(`lease ${this.name} not released: ${message(error)}`);
    }
  }

  private async tickOnce(): Promise<void> {
    if (this.stopped) return;
    let held: boolean;
    try {
      const current = await this.leases.get(this.name);
      const result = await this.leases.acquire(this.name, this.holder, this.ttlMs, {
        replacing: this.goneHolder(current),
      });
      held = result.held;
      if (held) this.lastHeldAt = Date.now();
      else if (this.running) {
        this.options.logger?.error(
          `lease ${this.name} taken by ${who(result.lease)}: stopping the workers here`,
        );
      }
    } catch (error) {
      // Unsure whether it is still ours: keep going only while it surely is (it cannot have
      // expired yet, with one renewal period to spare), then stop rather than run twice.
      held = this.running && Date.now() - this.lastHeldAt < this.ttlMs - this.renewMs;
      this.options.logger?.error(`lease ${this.name} not renewed: ${message(error)}`);
    }
    if (this.stopped) return;
    if (held && !this.running) this.switchTo(() => this.startWorkers());
    else if (!held && this.running) this.switchTo(() => this.stopWorkers());
  }

  private switchTo(step: () => Promise<void>): void {
    // `running` flips now, so the next beat sees the decision even while the step runs.
    this.running = !this.running;
    const next = this.transition.then(step);
    this.transition = next.catch((error: unknown) => {
      this.options.logger?.error(`lease ${this.name}: workers: ${message(error)}`);
    });
    // The first start's failure reaches start()'s caller, as a failing bootstrap should.
    this.onFirstStart?.(next);
  }

  /** The holder of a live lease that ran on this host in a process that is gone. */
  private goneHolder(lease: Lease | null): string | undefined {
    if (!leaseIsLive(lease) || lease.holder.id === this.holder.id) return undefined;
    const { host, pid } = lease.holder;
    if (host !== this.holder.host || pid === process.pid || processExists(pid)) return undefined;
    return lease.holder.id;
  }

  private async startWorkers(): Promise<void> {
    this.options.logger?.log(
      `lease ${this.name} held by ${this.holder.host}/${this.holder.pid}: starting ${this.workers()
        .map((w) => w.name)
        .join(', ')}`,
    );
    for (const worker of this.workers()) await worker.start();
  }

  private async stopWorkers(): Promise<void> {
    for (const worker of [...this.workers()].reverse()) await worker.stop();
  }
}

/** How the CLI and /health show who runs the workers. */
export interface WorkerLeaseStatus {
  /** Whether some process holds the lease now (so runs the projections and sagas). */
  running: boolean;
  /** The current or last holder, with its last beat; null when no process ever held it. */
  runner: {
    host: string;
    pid: number;
    role: string;
    since: string;
    lastBeat: string;
    expiresAt: string;
  } | null;
}

export async function workerLeaseStatus(
  leases: LeaseStore,
  now = Date.now(),
): Promise<WorkerLeaseStatus> {
  const lease = await leases.get(WORKER_LEASE);
  return {
    running: leaseIsLive(lease, now),
    runner:
      lease === null
        ? null
        : {
            host: lease.holder.host,
            pid: lease.holder.pid,
            role: lease.holder.role,
            since: lease.acquiredAt,
            lastBeat: lease.renewedAt,
            expiresAt: lease.expiresAt,
          },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function who(lease: Lease): string {
  return `${lease.holder.host}/${lease.holder.pid} (${lease.holder.role})`;
}

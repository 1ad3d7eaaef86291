import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { deterministicId, type EndGuest, identityDecider, memberDecider } from '@app/domain';
import {
  type CommandContext,
  CommandExecutor,
  READ_MODEL_STORE,
  WORKER_ORDER,
  WorkerLease,
} from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { EXPIRIES, type ExpiryDoc } from './expiries.projection';

/** How often the agenda is read: an end shows within this (plus the projection's lag). */
export const EXPIRY_SWEEP_MS = 2_000;
const PAGE = 200;

/**
 * Ends exemptions and guests when their `expiresAt` comes. What is due is read from the
 * `expiries` read model (at start, then every EXPIRY_SWEEP_MS), so a restart loses nothing;
 * whether it really ends is the decider's call, so a second sweep before the projection has
 * caught up (or a second process) decides nothing.
 */
@Injectable()
export class ExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Expiries');
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Optional() private readonly lease?: WorkerLease,
  ) {
    // Under the worker lease, only the process holding it sweeps.
    lease?.register(WORKER_ORDER.scheduler, {
      name: 'expiries',
      start: () => this.start(),
      stop: () => this.stop(),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.lease) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private start(): void {
    if (this.timer) return;
    const tick = () => {
      this.sweeping ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.error(
            `sweep failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => (this.sweeping = null));
    };
    this.timer = setInterval(tick, EXPIRY_SWEEP_MS);
    tick();
  }

  private async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  /** Ends everything due by now; returns how many ends were recorded. */
  async sweep(now = new Date().toISOString()): Promise<number> {
    const due = this.readModels.collection<ExpiryDoc>(EXPIRIES);
    let ended = 0;
    let cursor: string | undefined;
    do {
      const page = await due.find({
        where: { expiresAt: { lte: now } },
        sort: [{ field: 'expiresAt' }],
        limit: PAGE,
        cursor,
      });
      for (const doc of page.items) {
        try {
          ended += await this.end(doc, now);
        } catch (error) {
          // One that cannot end now must not hold up the others; the next sweep tries again.
          this.logger.error(
            `${doc.id} not ended: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ended;
  }

  private async end(doc: ExpiryDoc, now: string): Promise<number> {
    const ctx: CommandContext = {
      workspaceId: doc.workspaceId,
      actor: 'system',
      correlationId: doc.correlationId,
      causationId: doc.causationId,
    };
    const eventId = (_e: unknown, i: number, revision: number) =>
      deterministicId(doc.stream, 'expiry', revision, i);
    if (doc.kind === 'exemption') {
      const result = await this.commands.execute(
        doc.stream,
        memberDecider,
        { type: 'ExpireExemption', now },
        ctx,
        { eventId },
      );
      return result.appended;
    }
    const command: EndGuest = {
      type: 'EndGuest',
      identityId: doc.stream.slice('identity-'.length),
      workspaceId: doc.workspaceId,
      reason: 'guest_expired',
      now,
    };
    const result = await this.commands.execute(doc.stream, identityDecider, command, ctx, {
      eventId,
    });
    return result.appended;
  }
}

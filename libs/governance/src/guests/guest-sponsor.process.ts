import { Inject, Injectable } from '@nestjs/common';
import {
  deterministicId,
  type EndGuest,
  type GuestIdentityInvited,
  identityDecider,
  identityStream,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import { type CommandContext, CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import { type EventConsumer, ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { EXPIRIES, type ExpiryDoc, expiriesProjection } from '../expiries/expiries.projection';

/**
 * A guest lasts as long as its sponsor: when the sponsor's identity is deprovisioned, each of
 * its live guests ends with `sponsor_left`, caused by that event. A guest invited while its
 * sponsor was leaving (the invite decided on the sponsor's stream a moment before) is caught
 * when its own invitation is handled.
 */
@Injectable()
export class GuestSponsorProcess implements EventConsumer {
  readonly name = 'guest-sponsors';
  readonly filter = { eventTypes: ['IdentityDeprovisioned', 'GuestIdentityInvited'] };

  constructor(
    private readonly commands: CommandExecutor,
    private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'GuestIdentityInvited') return this.checkSponsor(event);
    // The agenda must hold every guest invited before this event; nothing else is read.
    await this.projections.waitFor(event.position, 60_000, [expiriesProjection.name]);
    const sponsorId = (event.data as { identityId: string }).identityId;
    for (const guest of await this.guestsOf(event.metadata.workspaceId, sponsorId)) {
      await this.end(guest.stream, sponsorId, event);
    }
  }

  /** The live guests a sponsor vouches for, from the expiries agenda. */
  async guestsOf(workspaceId: string, sponsorId: string): Promise<ExpiryDoc[]> {
    const guests = this.readModels.collection<ExpiryDoc>(EXPIRIES);
    const all: ExpiryDoc[] = [];
    let cursor: string | undefined;
    do {
      const page = await guests.find({
        where: { workspaceId, sponsorIdentityId: sponsorId },
        limit: 500,
        cursor,
      });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  private async checkSponsor(event: RecordedEvent): Promise<void> {
    const { sponsorIdentityId } = event.data as GuestIdentityInvited['data'];
    const sponsor = await this.events.readStream(identityStream(sponsorIdentityId));
    const left = [...sponsor]
      .reverse()
      .find((e) => e.type === 'IdentityDeprovisioned' || e.type === 'IdentityReactivated');
    if (left?.type === 'IdentityDeprovisioned')
      await this.end(event.stream, sponsorIdentityId, left);
  }

  private async end(
    stream: string,
    sponsorIdentityId: string,
    cause: RecordedEvent,
  ): Promise<void> {
    const command: EndGuest = {
      type: 'EndGuest',
      identityId: stream.slice('identity-'.length),
      workspaceId: cause.metadata.workspaceId,
      reason: 'sponsor_left',
      sponsorIdentityId,
      now: new Date().toISOString(),
    };
    const ctx: CommandContext = {
      workspaceId: cause.metadata.workspaceId,
      actor: 'system',
      correlationId: cause.metadata.correlationId,
      causationId: cause.id,
    };
    await this.commands.execute(stream, identityDecider, command, ctx, {
      eventId: (_e, i, revision) => deterministicId(stream, 'sponsor-left', revision, i),
    });
  }
}

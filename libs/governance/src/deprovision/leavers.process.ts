import { Inject, Injectable } from '@nestjs/common';
import {
  deterministicId,
  identityStream,
  type MemberCommand,
  memberDecider,
  type MemberMatched,
  memberStream,
} from '@app/domain';
import { EventStore, type RecordedEvent } from '@app/eventstore';
import {
  actorOf,
  CommandExecutor,
  type CommandContext,
  READ_MODEL_STORE,
} from '@app/infrastructure';
import { type EventConsumer, ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import { MEMBERS, type MemberDoc } from '../read-models/members.projection';
import { automationAccountEmailOf } from '../integrations/automation-account-email';

/**
 * Leavers: when the IdP deprovisions an identity (whatever the reason), every member matched
 * to it, in every integration of the workspace, becomes a leaver; a reactivation reinstates
 * those not yet being removed. A member matched after its identity was deprovisioned (a match
 * decided on a directory read a moment before the deprovisioning) becomes a leaver when its
 * MemberMatched arrives here, with the deprovisioning's time and cause.
 */
@Injectable()
export class LeaversProcess implements EventConsumer {
  readonly name = 'leavers';
  readonly filter = {
    eventTypes: ['IdentityDeprovisioned', 'IdentityReactivated', 'MemberMatched'],
  };

  constructor(
    private readonly events: EventStore,
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'MemberMatched') return this.matched(event);
    const data = event.data as { identityId: string; reason?: string };
    // Every match recorded before this event must be in the members read model.
    await this.projections.waitFor(event.position, 60_000);
    const ctx: CommandContext = {
      workspaceId: event.metadata.workspaceId,
      ...actorOf(event.metadata),
      correlationId: event.metadata.correlationId,
      causationId: event.id,
    };
    const command = (member: MemberDoc): Promise<MemberCommand> =>
      event.type === 'IdentityDeprovisioned'
        ? automationAccountEmailOf(this.commands, member.integrationId).then((email) => ({
            type: 'MarkLeaver',
            identityId: data.identityId,
            leftAt: event.metadata.occurredAt,
            reason: data.reason ?? 'deprovisioned',
            automationAccountEmail: email,
          }))
        : Promise.resolve({ type: 'ReinstateLeaver', identityId: data.identityId });
    const members = this.readModels.collection<MemberDoc>(MEMBERS);
    let cursor: string | undefined;
    do {
      const page = await members.find({
        where: { workspaceId: event.metadata.workspaceId, matchedIdentityId: data.identityId },
        limit: 500,
        cursor,
      });
      for (const member of page.items) await this.decide(member.id, await command(member), ctx);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** A match to an identity that is deprovisioned now: a leaver from the start. */
  private async matched(event: RecordedEvent): Promise<void> {
    const { memberId, integrationId, identityId } = (event as unknown as MemberMatched).data;
    const history = await this.events.readStream(identityStream(identityId), {
      direction: 'backwards',
    });
    const last = history.find(
      (e) => e.type === 'IdentityDeprovisioned' || e.type === 'IdentityReactivated',
    );
    if (last?.type !== 'IdentityDeprovisioned') return;
    await this.decide(
      memberId,
      {
        type: 'MarkLeaver',
        identityId,
        leftAt: last.metadata.occurredAt,
        reason: (last.data as { reason?: string }).reason ?? 'deprovisioned',
        automationAccountEmail: await automationAccountEmailOf(this.commands, integrationId),
      },
      {
        workspaceId: event.metadata.workspaceId,
        ...actorOf(last.metadata),
        correlationId: event.metadata.correlationId,
        causationId: event.id,
      },
    );
  }

  private async decide(memberId: string, command: MemberCommand, ctx: CommandContext) {
    const stream = memberStream(memberId);
    await this.commands.execute(stream, memberDecider, command, ctx, {
      eventId: (_e, i, revision) =>
        deterministicId(stream, 'leaver', ctx.causationId ?? '', revision, i),
    });
  }
}

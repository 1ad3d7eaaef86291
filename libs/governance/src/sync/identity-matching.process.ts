import { Inject, Injectable } from '@nestjs/common';
import {
  deterministicId,
  IDENTITY_EVENT_TYPES,
  memberDecider,
  memberStream,
  normalizeEmail,
} from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import { CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import { type EventConsumer, ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
import {
  IDENTITIES,
  identitiesProjection,
  type IdentityDoc,
} from '../directory/identities.projection';
import { MEMBERS, type MemberDoc, membersProjection } from '../read-models/members.projection';
import { IdentityCandidates } from './identity-candidates';
import { MATCH_RULE_EMAIL } from './snapshot-importer';

/**
 * When the directory provisions, updates or deprovisions an identity (or an admin invites a
 * guest), unmatched members with one of its emails are matched again — without waiting for
 * the next check. A member whose exemption expired is matched the same way, as it returns to
 * the Unmatched tab.
 */
@Injectable()
export class IdentityMatchingProcess implements EventConsumer {
  readonly name = 'identity-matching';
  readonly filter = { eventTypes: [...IDENTITY_EVENT_TYPES, 'MemberExemptionExpired'] };

  constructor(
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
    private readonly candidates: IdentityCandidates,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    // The email index must include this very change before candidates are looked up; only
    // identities and members are read.
    await this.projections.waitFor(event.position, 60_000, [
      identitiesProjection.name,
      membersProjection.name,
    ]);
    if (event.type === 'MemberExemptionExpired') return this.matchReturned(event);
    const identityId = event.stream.slice('identity-'.length);
    const identity = await this.readModels.collection<IdentityDoc>(IDENTITIES).get(identityId);
    const emails = [...new Set((identity?.normalizedEmails ?? []).map(normalizeEmail))];
    const workspaceId = event.metadata.workspaceId;
    if (emails.length === 0) return;
    // A guest is the admins' doing, not the IdP's.
    const actor = identity?.source === 'guest' ? 'system' : 'scim';
    const byEmail = await this.candidates.forEmails(workspaceId, emails);
    const members = this.readModels.collection<MemberDoc>(MEMBERS);
    for (const email of emails) {
      let cursor: string | undefined;
      do {
        const page = await members.find({
          where: { workspaceId, emailNormalized: email, tab: 'unmatched' },
          limit: 500,
          cursor,
        });
        for (const member of page.items) {
          await this.commands.execute(
            memberStream(member.id),
            memberDecider,
            { type: 'AutoMatch', candidates: byEmail.get(email) ?? [], rule: MATCH_RULE_EMAIL },
            {
              workspaceId,
              actor,
              correlationId: event.metadata.correlationId,
              causationId: event.id,
            },
            { eventId: (_e, i, revision) => deterministicId(memberStream(member.id), revision, i) },
          );
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
  }

  /** The member's email as its stream holds it, against the active identities now. */
  private async matchReturned(event: RecordedEvent): Promise<void> {
    const stream = event.stream;
    const { state } = await this.commands.load(stream, memberDecider);
    if (!state.email) return;
    const email = normalizeEmail(state.email);
    const byEmail = await this.candidates.forEmails(event.metadata.workspaceId, [email]);
    await this.commands.execute(
      stream,
      memberDecider,
      { type: 'AutoMatch', candidates: byEmail.get(email) ?? [], rule: MATCH_RULE_EMAIL },
      {
        workspaceId: event.metadata.workspaceId,
        actor: 'system',
        correlationId: event.metadata.correlationId,
        causationId: event.id,
      },
      { eventId: (_e, i, revision) => deterministicId(stream, revision, i) },
    );
  }
}

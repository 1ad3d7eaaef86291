import { randomUUID } from 'node:crypto';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  Conflict,
  type EndGuest,
  identityDecider,
  identityStream,
  type InviteGuest,
  NotFound,
} from '@app/domain';
import { CommandExecutor } from '@app/infrastructure';
import { type Caller, contextOf } from '../access/access.service';
import { type IdentityItem, identityItem } from '../directory/identities.controller';
import { IdentityDirectory } from '../directory/identity-directory.service';
import type { InviteGuestDto } from './guests.dto';

/**
 * Guest users and local partners: identities an admin gives people outside the corporate
 * directory, each vouched for by a sponsor until an end. They live on identity streams like
 * the IdP's users, so matching and every reader of identities take them as they are.
 */
@Injectable()
export class GuestsService {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly directory: IdentityDirectory,
  ) {}

  async invite(caller: Caller, body: InviteGuestDto): Promise<IdentityItem> {
    const identityId = randomUUID();
    const command: InviteGuest = {
      type: 'InviteGuest',
      identityId,
      workspaceId: caller.workspaceId,
      guest: body,
      sponsor: await this.sponsor(caller.workspaceId, body.sponsorIdentityId),
      now: new Date().toISOString(),
    };
    // Decided once first, so that a refused field is answered before the directory is asked.
    identityDecider.decide(command, identityDecider.initialState);
    await this.assertEmailFree(caller.workspaceId, body.email);
    await this.commands.execute(
      identityStream(identityId),
      identityDecider,
      command,
      contextOf(caller),
    );
    return this.view(caller, identityId);
  }

  /** Ends the guest now: its members become leavers, as at its end. */
  async end(caller: Caller, identityId: string): Promise<IdentityItem> {
    const command: EndGuest = {
      type: 'EndGuest',
      identityId,
      workspaceId: caller.workspaceId,
      reason: 'guest_ended',
      now: new Date().toISOString(),
    };
    await this.commands.execute(
      identityStream(identityId),
      identityDecider,
      command,
      contextOf(caller),
    );
    return this.view(caller, identityId);
  }

  /** The sponsor as its stream says (never behind); null when none in this workspace. */
  private async sponsor(workspaceId: string, sponsorId: string): Promise<InviteGuest['sponsor']> {
    const { state } = await this.commands.load(identityStream(sponsorId), identityDecider);
    if (!state.attributes || state.deleted || state.workspaceId !== workspaceId) return null;
    return { active: state.attributes.active };
  }

  /**
   * An email an active identity already holds would make that person two candidates for
   * every match. Checked on the caught-up directory; two admins inviting the same email at
   * the same instant could both pass, which leaves an ambiguity a human resolves.
   */
  private async assertEmailFree(workspaceId: string, email: string): Promise<void> {
    if (!(await this.directory.catchUp())) {
      throw new ServiceUnavailableException('the directory is catching up; try again in a moment');
    }
    const holders = await this.directory.findActiveByEmail(workspaceId, email);
    if (holders.length > 0) {
      throw new Conflict(`email ${email} already belongs to an active identity`, {
        field: 'email',
        identityIds: holders,
      });
    }
  }

  private async view(caller: Caller, identityId: string): Promise<IdentityItem> {
    await this.directory.catchUp();
    const doc = await this.directory.get(caller.workspaceId, identityId);
    if (!doc) throw new NotFound(`guest ${identityId} not found`);
    return identityItem(doc, await this.directory.sponsorsOf(caller.workspaceId, [doc]));
  }
}

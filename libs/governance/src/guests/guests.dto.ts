import { IsIn, IsString, IsUUID, Matches } from 'class-validator';
import { type GuestKind, ISO_INSTANT, ISO_INSTANT_MESSAGE } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { EmailInput, PersonNameInput } from '../input-fields';

export class InviteGuestDto {
  @PersonNameInput()
  name!: string;

  @EmailInput()
  email!: string;

  @ApiProperty({ enum: ['guest', 'local_partner'] })
  @IsIn(['guest', 'local_partner'], { message: 'kind must be "guest" or "local_partner"' })
  kind!: GuestKind;

  @ApiProperty({ type: String, format: 'uuid', description: 'an active identity of the workspace' })
  @IsString({ message: 'sponsorIdentityId must be the id of an active identity' })
  @IsUUID('all', { message: 'sponsorIdentityId must be the id of an active identity' })
  sponsorIdentityId!: string;

  /** In the future: the decider checks against the clock of the request. */
  @ApiProperty({ type: String, format: 'date-time' })
  @IsString({ message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  @Matches(ISO_INSTANT, { message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  expiresAt!: string;
}

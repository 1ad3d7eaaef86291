import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { type GuestKind, ISO_INSTANT, ISO_INSTANT_MESSAGE } from '@app/domain';
import { IsSafeText } from '@app/infrastructure';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class InviteGuestDto {
  @Transform(trim)
  @IsString({ message: 'name must be a text of 1-200 characters' })
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsSafeText()
  name!: string;

  @Transform(trim)
  @IsString({ message: 'email must be an email address' })
  @MaxLength(320, { message: 'email must be at most 320 characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @IsIn(['guest', 'local_partner'], { message: 'kind must be "guest" or "local_partner"' })
  kind!: GuestKind;

  @IsString({ message: 'sponsorIdentityId must be the id of an active identity' })
  @IsUUID('all', { message: 'sponsorIdentityId must be the id of an active identity' })
  sponsorIdentityId!: string;

  /** In the future: the decider checks against the clock of the request. */
  @IsString({ message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  @Matches(ISO_INSTANT, { message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  expiresAt!: string;
}

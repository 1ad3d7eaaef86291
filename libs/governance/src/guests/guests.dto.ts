import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { type GuestKind, ISO_INSTANT, ISO_INSTANT_MESSAGE } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { IsSafeText } from '@app/infrastructure';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class InviteGuestDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString({ message: 'name must be a text of 1-200 characters' })
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsSafeText()
  name!: string;

  @ApiProperty({ type: String, format: 'email', maxLength: 320 })
  @Transform(trim)
  @IsString({ message: 'email must be an email address' })
  @MaxLength(320, { message: 'email must be at most 320 characters' })
  @IsEmail({}, { message: 'email must be an email address' })
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

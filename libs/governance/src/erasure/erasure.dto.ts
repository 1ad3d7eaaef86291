import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { IsSafeText } from '@app/infrastructure';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class ErasePersonDto {
  @ApiProperty({ type: String, format: 'email', maxLength: 320 })
  @Transform(trim)
  @IsString({ message: 'email must be an email address' })
  @MaxLength(320, { message: 'email must be at most 320 characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  /** Recorded in the tombstone: it must name no one (it is kept forever, in plaintext). */
  @ApiProperty({ type: String, minLength: 1, maxLength: 500 })
  @Transform(trim)
  @IsString({ message: 'reason must be a text of 1-500 characters' })
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  @IsSafeText()
  reason!: string;
}

import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { IsSafeText } from '@app/infrastructure';
import { EmailInput, trim } from '../input-fields';

export class ErasePersonDto {
  @EmailInput()
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

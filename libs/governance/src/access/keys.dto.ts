import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsSafeText } from '@app/infrastructure';
import { ROLES, type Role } from './roles';
import { EmailInput, PersonNameInput, trim } from '../input-fields';

export class PersonDto {
  @EmailInput()
  email!: string;

  @PersonNameInput()
  name!: string;
}

export class CreateApiKeyDto {
  @ApiProperty({
    type: String,
    minLength: 1,
    maxLength: 100,
    description: 'the actor name events record',
  })
  @Transform(trim)
  @IsString({ message: 'name must be a text of 1-100 characters' })
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  @IsSafeText()
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: 'role must be "admin", "operator" or "auditor"' })
  role!: Role;

  @ApiProperty({ type: PersonDto, description: 'who the key is handed to' })
  @IsDefined({ message: 'person must be an object with email and name' })
  @IsObject({ message: 'person must be an object with email and name' })
  @ValidateNested()
  @Type(() => PersonDto)
  person!: PersonDto;
}

/** A SCIM token is for the IdP: a name, and optionally who set it up. */
export class CreateScimTokenDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString({ message: 'name must be a text of 1-100 characters' })
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  @IsSafeText()
  name!: string;

  @ApiPropertyOptional({ type: PersonDto })
  @IsOptional()
  @IsObject({ message: 'person must be an object with email and name' })
  @ValidateNested()
  @Type(() => PersonDto)
  person?: PersonDto;
}

export class RotateKeyDto {
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 604800,
    default: 0,
    description: 'how long the old key keeps working (seconds, at most 7 days)',
  })
  @IsOptional()
  @IsInt({ message: 'graceSeconds must be a whole number of seconds from 0 to 604800' })
  @Min(0, { message: 'graceSeconds must be a whole number of seconds from 0 to 604800' })
  @Max(604800, { message: 'graceSeconds must be a whole number of seconds from 0 to 604800' })
  graceSeconds?: number;
}

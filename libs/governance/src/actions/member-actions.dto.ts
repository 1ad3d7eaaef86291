import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Field, ID, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import {
  AD_ACCOUNT_PERMISSIONS,
  CATALOG_PERMISSIONS,
  ISO_INSTANT,
  ISO_INSTANT_MESSAGE,
  PROFILE_PERMISSIONS,
} from '@app/domain';
import { BusinessRoleArg, MatchRoleArg } from '../graphql/graphql.enums';
import { trim } from '../input-fields';

const ALL_PERMISSIONS = [
  ...new Set([...AD_ACCOUNT_PERMISSIONS, ...PROFILE_PERMISSIONS, ...CATALOG_PERMISSIONS]),
];

/*
 * Each body is also GraphQL's input of the same action (`@InputType`): one class, one set of
 * rules and messages for both.
 */
@InputType('MatchMemberInput')
export class MatchMemberDto {
  @ApiProperty({ type: String, description: 'the id of a directory identity' })
  @Field(() => ID)
  @IsString({ message: 'identityId must be the id of a directory identity' })
  @MinLength(1, { message: 'identityId must be the id of a directory identity' })
  @MaxLength(200)
  identityId!: string;

  @ApiProperty({ enum: ['owner', 'collaborator'] })
  @Field(() => MatchRoleArg)
  @IsIn(['owner', 'collaborator'], { message: 'role must be "owner" or "collaborator"' })
  role!: 'owner' | 'collaborator';
}

@InputType('ExemptMemberInput')
export class ExemptMemberDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 500, description: 'trimmed' })
  @Field(() => String, { description: '1-500 characters, trimmed' })
  @Transform(trim)
  @IsString({ message: 'reason must be a text of 1-500 characters' })
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason!: string;

  /** When the exemption ends by itself (future, at most a year ahead: the decider checks). */
  @ApiProperty({
    type: String,
    required: false,
    format: 'date-time',
    description: 'ISO date-time with a zone, in the future, at most one year ahead',
  })
  @Field(() => String, { nullable: true, description: 'ISO date-time; at most one year ahead' })
  @IsOptional()
  @IsString({ message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  @Matches(ISO_INSTANT, { message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  expiresAt?: string;
}

@InputType('BusinessRoleInput')
export class BusinessRoleDto {
  @ApiProperty({ enum: ['employee', 'manager'] })
  @Field(() => BusinessRoleArg)
  @IsIn(['employee', 'manager'], { message: 'role must be "employee" or "manager"' })
  role!: 'employee' | 'manager';
}

@InputType('AssetPermissionsInput')
export class AssetPermissionsDto {
  @ApiProperty({ type: String, pattern: '^\\S{1,64}$' })
  @Field(() => String)
  @IsString({ message: 'assetId must be the id of an asset of this business' })
  @Matches(/^\S{1,64}$/, { message: 'assetId must be the id of an asset of this business' })
  assetId!: string;

  @ApiProperty({
    type: [String],
    enum: ALL_PERMISSIONS,
    description: 'the permissions to hold on the asset; [] removes the access',
  })
  @Field(() => [String], { description: 'Pinterest permission names; [] removes the access' })
  @IsArray({ message: 'permissions must be a list (empty removes the access)' })
  @ArrayMaxSize(ALL_PERMISSIONS.length)
  @IsIn(ALL_PERMISSIONS, {
    each: true,
    message: `permissions must be among ${ALL_PERMISSIONS.join(', ')}`,
  })
  permissions!: string[];
}

export class ConnectAccountDto {
  @ApiProperty({ type: String, format: 'email' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty({ type: String, format: 'password', minLength: 1, maxLength: 1024 })
  @IsString({ message: 'password must be a non-empty text' })
  @MinLength(1, { message: 'password must not be empty' })
  @MaxLength(1024)
  password!: string;
}

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
import {
  AD_ACCOUNT_PERMISSIONS,
  CATALOG_PERMISSIONS,
  ISO_INSTANT,
  ISO_INSTANT_MESSAGE,
  PROFILE_PERMISSIONS,
} from '@app/domain';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;
const ALL_PERMISSIONS = [
  ...new Set([...AD_ACCOUNT_PERMISSIONS, ...PROFILE_PERMISSIONS, ...CATALOG_PERMISSIONS]),
];

export class MatchMemberDto {
  @IsString({ message: 'identityId must be the id of a directory identity' })
  @MinLength(1, { message: 'identityId must be the id of a directory identity' })
  @MaxLength(200)
  identityId!: string;

  @IsIn(['owner', 'collaborator'], { message: 'role must be "owner" or "collaborator"' })
  role!: 'owner' | 'collaborator';
}

export class ExemptMemberDto {
  @Transform(trim)
  @IsString({ message: 'reason must be a text of 1-500 characters' })
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason!: string;

  /** When the exemption ends by itself (future, at most a year ahead: the decider checks). */
  @IsOptional()
  @IsString({ message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  @Matches(ISO_INSTANT, { message: `expiresAt ${ISO_INSTANT_MESSAGE}` })
  expiresAt?: string;
}

export class BusinessRoleDto {
  @IsIn(['employee', 'manager'], { message: 'role must be "employee" or "manager"' })
  role!: 'employee' | 'manager';
}

export class AssetPermissionsDto {
  @IsString({ message: 'assetId must be the id of an asset of this business' })
  @Matches(/^\S{1,64}$/, { message: 'assetId must be the id of an asset of this business' })
  assetId!: string;

  @IsArray({ message: 'permissions must be a list (empty removes the access)' })
  @ArrayMaxSize(ALL_PERMISSIONS.length)
  @IsIn(ALL_PERMISSIONS, {
    each: true,
    message: `permissions must be among ${ALL_PERMISSIONS.join(', ')}`,
  })
  permissions!: string[];
}

export class ConnectAccountDto {
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @IsString({ message: 'password must be a non-empty text' })
  @MinLength(1, { message: 'password must not be empty' })
  @MaxLength(1024)
  password!: string;
}

import { Transform } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../integrations/integration.dto';
import { trim } from '../input-fields';

/** Instants are checked by the service (malformed or future → 400 naming the field). */
export class HistoryQuery extends PageQuery {}

export class AccessQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'default: now' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  at?: string;

  @ApiPropertyOptional({
    type: String,
    description: 'an asset of the business (default: the business)',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(64)
  assetId?: string;
}

export class PartnersQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'default: now' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  at?: string;
}

export class AccessChangesQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'integrationId must be an integration id' })
  integrationId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'memberId must be a member id' })
  memberId?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(64)
  assetId?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'exclusive' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'inclusive; default: now',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}

export const EXPORT_KINDS = [
  'member_history',
  'access_at',
  'access_changes',
  'tab',
  'deprovision_report',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export class CreateExportDto {
  @ApiProperty({ enum: [...EXPORT_KINDS] })
  @IsIn(EXPORT_KINDS, { message: `kind must be one of ${EXPORT_KINDS.join(', ')}` })
  kind!: ExportKind;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'member_history: integrationId, memberId; access_at: integrationId, assetId?; access_changes: integrationId?, memberId?, assetId?, from?; tab: integrationId, tab; deprovision_report: integrationId, status?',
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({ enum: ['ndjson', 'csv'] })
  @IsIn(['ndjson', 'csv'], { message: 'format must be ndjson or csv' })
  format!: 'ndjson' | 'csv';

  @ApiPropertyOptional({
    type: String,
    description: 'the log position to compute at (default: the head when requested)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  position?: string;
}

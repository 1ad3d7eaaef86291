import { Transform } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../integrations/integration.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Instants are checked by the service (malformed or future → 400 naming the field). */
export class HistoryQuery extends PageQuery {}

export class AccessQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  at?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(64)
  assetId?: string;
}

export class PartnersQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  at?: string;
}

export class AccessChangesQuery extends PageQuery {
  @IsOptional()
  @IsUUID('all', { message: 'integrationId must be an integration id' })
  integrationId?: string;

  @IsOptional()
  @IsUUID('all', { message: 'memberId must be a member id' })
  memberId?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(64)
  assetId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

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
  @IsIn(EXPORT_KINDS, { message: `kind must be one of ${EXPORT_KINDS.join(', ')}` })
  kind!: ExportKind;

  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @IsIn(['ndjson', 'csv'], { message: 'format must be ndjson or csv' })
  format!: 'ndjson' | 'csv';

  @IsOptional()
  @IsString()
  @MaxLength(64)
  position?: string;
}

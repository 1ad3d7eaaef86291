import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../integrations/integration.dto';
import { REPORT_STATUSES } from './deprovision-report.projection';

export class DeprovisionReportQuery extends PageQuery {
  @ApiPropertyOptional({ enum: [...REPORT_STATUSES] })
  @IsOptional()
  @IsIn(REPORT_STATUSES, { message: `status must be one of ${REPORT_STATUSES.join(', ')}` })
  status?: string;
}

export class ApplyDeprovisionReportDto {
  @ApiPropertyOptional({
    type: String,
    isArray: true,
    description: 'pending or failed items of this report (default: every one of them)',
  })
  @IsOptional()
  @IsArray({ message: 'memberIds must be a list of member ids from this report' })
  @ArrayMaxSize(10_000, { message: 'memberIds must hold at most 10000 ids' })
  @IsString({ each: true, message: 'memberIds must be a list of member ids from this report' })
  @MaxLength(200, {
    each: true,
    message: 'memberIds must be a list of member ids from this report',
  })
  memberIds?: string[];

  @ApiPropertyOptional({ type: Boolean, description: 'say what would be removed; append nothing' })
  @IsOptional()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'go past the safeguard (DEPROVISION_SAFEGUARD_PERCENT); who confirmed is recorded',
  })
  @IsOptional()
  @IsBoolean({ message: 'confirmMassRemoval must be true or false' })
  confirmMassRemoval?: boolean;
}

import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../integrations/integration.dto';
import { REPORT_STATUSES } from './deprovision-report.projection';

export class DeprovisionReportQuery extends PageQuery {
  @IsOptional()
  @IsIn(REPORT_STATUSES, { message: `status must be one of ${REPORT_STATUSES.join(', ')}` })
  status?: string;
}

export class ApplyDeprovisionReportDto {
  @IsOptional()
  @IsArray({ message: 'memberIds must be a list of member ids from this report' })
  @ArrayMaxSize(10_000, { message: 'memberIds must hold at most 10000 ids' })
  @IsString({ each: true, message: 'memberIds must be a list of member ids from this report' })
  @MaxLength(200, {
    each: true,
    message: 'memberIds must be a list of member ids from this report',
  })
  memberIds?: string[];

  @IsOptional()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @IsOptional()
  @IsBoolean({ message: 'confirmMassRemoval must be true or false' })
  confirmMassRemoval?: boolean;
}

import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '@app/infrastructure';
import {
  ApiErrors,
  ApiKeyAuth,
  ApplyAnswerModel,
  DeprovisionReportModel,
  DryRunAnswerModel,
} from '../views';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { ApplyDeprovisionReportDto, DeprovisionReportQuery } from './deprovision.dto';
import { DeprovisionService } from './deprovision.service';
import { DryRunAllowedTo, RequiresRole } from '../access/roles';

interface StatusResponse {
  status(code: number): unknown;
}

@ApiTags('deprovision')
@ApiKeyAuth()
@Controller('api/integrations/:id/deprovision-report')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class DeprovisionReportController {
  constructor(private readonly deprovision: DeprovisionService) {}

  @Get()
  @ApiOkResponse({ type: DeprovisionReportModel })
  @ApiErrors(400, 404)
  report(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Query() query: DeprovisionReportQuery,
  ) {
    return this.deprovision.report(caller, id, query);
  }

  /** 202 when removals were queued, 200 for a dry run (nothing appended). */
  @RequiresRole('operator')
  @DryRunAllowedTo('auditor')
  @Post('apply')
  @ApiBody({ type: ApplyDeprovisionReportDto, required: false })
  @ApiAcceptedResponse({ type: ApplyAnswerModel, description: 'the removals queued' })
  @ApiOkResponse({ type: DryRunAnswerModel, description: 'dryRun: what would be removed' })
  @ApiErrors(400, 404, 409, 415)
  async apply(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Body() body: ApplyDeprovisionReportDto,
    @Res({ passthrough: true }) res: StatusResponse,
  ) {
    const answer = await this.deprovision.apply(caller, id, body ?? {});
    res.status('dryRun' in answer ? 200 : 202);
    return answer;
  }
}

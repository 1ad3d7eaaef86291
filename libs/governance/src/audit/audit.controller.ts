import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '@app/infrastructure';
import {
  AccessChangesPageModel,
  AccessPageModel,
  ApiErrors,
  ApiKeyAuth,
  HistoryPageModel,
  PartnersPageModel,
} from '../views';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { AccessChangesQuery, AccessQuery, HistoryQuery, PartnersQuery } from './audit.dto';
import { AuditService } from './audit.service';
import { RequiresRole } from '../access/roles';

/** The auditors' questions; every answer names the log position it was computed at. */
@ApiTags('audit')
@ApiKeyAuth()
@Controller('api')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('integrations/:id/members/:memberId/history')
  @ApiOkResponse({ type: HistoryPageModel, description: 'oldest first' })
  @ApiErrors(400, 404)
  memberHistory(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Param('memberId', uuidParam) memberId: string,
    @Query() query: HistoryQuery,
  ) {
    return this.audit.memberHistory(caller, id, memberId, query);
  }

  @Get('identities/:id/history')
  @ApiOkResponse({ type: HistoryPageModel, description: 'oldest first, across every member' })
  @ApiErrors(400, 404)
  identityHistory(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Query() query: HistoryQuery,
  ) {
    return this.audit.identityHistory(caller, id, query);
  }

  @Get('integrations/:id/access')
  @ApiOkResponse({ type: AccessPageModel })
  @ApiErrors(400, 404)
  access(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Query() query: AccessQuery,
  ) {
    return this.audit.accessAt(caller, id, query);
  }

  @Get('integrations/:id/partners')
  @ApiOkResponse({ type: PartnersPageModel })
  @ApiErrors(400, 404)
  partners(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Query() query: PartnersQuery,
  ) {
    return this.audit.partners(caller, id, query);
  }

  @Get('access-changes')
  @ApiOkResponse({ type: AccessChangesPageModel })
  @ApiErrors(400, 404)
  accessChanges(@CurrentCaller() caller: Caller, @Query() query: AccessChangesQuery) {
    return this.audit.accessChanges(caller, query);
  }
}

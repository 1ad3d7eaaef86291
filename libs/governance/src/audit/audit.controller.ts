import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { uuidParam } from '@app/infrastructure';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { AccessChangesQuery, AccessQuery, HistoryQuery, PartnersQuery } from './audit.dto';
import { AuditService } from './audit.service';

/** The auditors' questions; every answer names the log position it was computed at. */
@Controller('api')
@UseGuards(ApiKeyGuard)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('integrations/:id/members/:memberId/history')
  memberHistory(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Param('memberId', uuidParam) memberId: string,
    @Query() query: HistoryQuery,
  ) {
    return this.audit.memberHistory(caller, id, memberId, query);
  }

  @Get('identities/:id/history')
  identityHistory(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Query() query: HistoryQuery,
  ) {
    return this.audit.identityHistory(caller, id, query);
  }

  @Get('integrations/:id/access')
  access(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Query() query: AccessQuery,
  ) {
    return this.audit.accessAt(caller, id, query);
  }

  @Get('integrations/:id/partners')
  partners(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
    @Query() query: PartnersQuery,
  ) {
    return this.audit.partners(caller, id, query);
  }

  @Get('access-changes')
  accessChanges(@CurrentCaller() caller: Caller, @Query() query: AccessChangesQuery) {
    return this.audit.accessChanges(caller, query);
  }
}

import {
  Body,
  Controller,
  HttpCode,
  Param,
  Post,
  Put,
  Res,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { uuidParam } from '@app/infrastructure';
import type { Caller } from '../access/access.service';
import { automationAccountCard } from '../read-models/automation-accounts.projection';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import {
  AssetPermissionsDto,
  BusinessRoleDto,
  ConnectAccountDto,
  ExemptMemberDto,
  MatchMemberDto,
} from './member-actions.dto';
import { type ActionAnswer, MemberActionsService } from './member-actions.service';

const uuid = uuidParam;

interface StatusResponse {
  status(code: number): unknown;
}

/** 202 when a task now carries the action out on Pinterest, 200 when it is already done. */
function answer(res: StatusResponse, result: ActionAnswer): ActionAnswer {
  res.status(result.taskId ? 202 : 200);
  return result;
}

@Controller('api/integrations/:id/members/:memberId')
@UseGuards(ApiKeyGuard)
export class MemberActionsController {
  constructor(private readonly actions: MemberActionsService) {}

  @Post('match')
  async match(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
    @Body() body: MatchMemberDto,
    @Res({ passthrough: true }) res: StatusResponse,
  ) {
    return answer(res, await this.actions.match(caller, id, memberId, body.identityId, body.role));
  }

  @Post('remove')
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
    @Res({ passthrough: true }) res: StatusResponse,
  ) {
    return answer(res, await this.actions.remove(caller, id, memberId));
  }

  @Post('exempt')
  @HttpCode(200)
  exempt(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
    @Body() body: ExemptMemberDto,
  ) {
    return this.actions.exempt(caller, id, memberId, body.reason, body.expiresAt ?? undefined);
  }

  @Post('unexempt')
  @HttpCode(200)
  unexempt(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
  ) {
    return this.actions.unexempt(caller, id, memberId);
  }

  @Put('business-role')
  async businessRole(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
    @Body() body: BusinessRoleDto,
    @Res({ passthrough: true }) res: StatusResponse,
  ) {
    return answer(res, await this.actions.changeRole(caller, id, memberId, body.role));
  }

  @Put('asset-permissions')
  async assetPermissions(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
    @Body() body: AssetPermissionsDto,
    @Res({ passthrough: true }) res: StatusResponse,
  ) {
    return answer(
      res,
      await this.actions.changePermissions(caller, id, memberId, body.assetId, body.permissions),
    );
  }

  @Post('connect-account')
  @HttpCode(200)
  connectAccount(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
    @Body() body: ConnectAccountDto,
  ) {
    return this.actions.connectMemberAccount(caller, id, memberId, body);
  }
}

@Controller('api/automation-accounts')
@UseGuards(ApiKeyGuard)
export class AutomationAccountConnectController {
  constructor(private readonly actions: MemberActionsService) {}

  @Post(':id/connect')
  @HttpCode(200)
  async connect(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Body() body: ConnectAccountDto,
  ) {
    const { account, refused } = await this.actions.connectAutomationAccount(caller, id, body);
    if (refused) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: refused.keptPreviousCredentials
          ? 'the new credentials were refused; the account keeps its previous credentials'
          : 'the credentials were refused; the account has no credentials in force',
        details: {
          reason: 'credentials_refused',
          loginFailure: refused.reason,
          account: automationAccountCard(account),
        },
      });
    }
    return automationAccountCard(account);
  }
}

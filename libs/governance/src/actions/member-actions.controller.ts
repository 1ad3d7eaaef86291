import {
  applyDecorators,
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
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '@app/infrastructure';
import { ActionAnswerModel, ApiErrors, ApiKeyAuth, AutomationAccountModel } from '../views';
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
import { RequiresRole } from '../access/roles';

const uuid = uuidParam;

interface StatusResponse {
  status(code: number): unknown;
}

/** 202 when a task now carries the action out on Pinterest, 200 when it is already done. */
function answer(res: StatusResponse, result: ActionAnswer): ActionAnswer {
  res.status(result.taskId ? 202 : 200);
  return result;
}

/** 202 with the task that carries the action out on Pinterest, 200 when it is already done. */
const Answers = () =>
  applyDecorators(
    ApiAcceptedResponse({ type: ActionAnswerModel, description: 'a task now carries it out' }),
    ApiOkResponse({ type: ActionAnswerModel, description: 'already done' }),
  );

@ApiTags('member actions')
@ApiKeyAuth()
@Controller('api/integrations/:id/members/:memberId')
@UseGuards(ApiKeyGuard)
@RequiresRole('operator')
export class MemberActionsController {
  constructor(private readonly actions: MemberActionsService) {}

  @Post('match')
  @Answers()
  @ApiErrors(400, 404, 409, 415)
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
  @Answers()
  @ApiErrors(400, 404, 409)
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
  @ApiOkResponse({ type: ActionAnswerModel })
  @ApiErrors(400, 404, 409, 415)
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
  @ApiOkResponse({ type: ActionAnswerModel })
  @ApiErrors(400, 404, 409)
  unexempt(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
  ) {
    return this.actions.unexempt(caller, id, memberId);
  }

  @Put('business-role')
  @Answers()
  @ApiErrors(400, 404, 409, 415)
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
  @Answers()
  @ApiErrors(400, 404, 409, 415)
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
  @ApiOkResponse({ type: ActionAnswerModel, description: 'the member, account connected' })
  @ApiErrors(400, 404, 409, 415, 422)
  connectAccount(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
    @Body() body: ConnectAccountDto,
  ) {
    return this.actions.connectMemberAccount(caller, id, memberId, body);
  }
}

@ApiTags('automation accounts')
@ApiKeyAuth()
@Controller('api/automation-accounts')
@UseGuards(ApiKeyGuard)
@RequiresRole('admin')
export class AutomationAccountConnectController {
  constructor(private readonly actions: MemberActionsService) {}

  @Post(':id/connect')
  @HttpCode(200)
  @ApiOkResponse({ type: AutomationAccountModel })
  @ApiErrors(400, 404, 415, 422)
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

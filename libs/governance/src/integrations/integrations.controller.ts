import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { jsonAnswer, sendJsonAnswer, uuidParam, type ExpressResponse } from '@app/infrastructure';
import {
  ApiErrors,
  ApiKeyAuth,
  AuthorizationDoneModel,
  AuthorizationStartModel,
  AutomationAccountListModel,
  AutomationTaskModel,
  AutomationTaskPageModel,
  IntegrationListModel,
  IntegrationModel,
  MemberModel,
  MembersPageModel,
  TaskIdModel,
  TaskEventsPageModel,
  TabAsOfPageModel,
} from '../views';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { automationAccountCard } from '../read-models/automation-accounts.projection';
import { ErasedEvidence } from '../erasure/scrubbers.module';
import { TaskEventsQuery } from '../replay/task-events.query';
import {
  CheckForUpdatesDto,
  ConnectIntegrationDto,
  ListMembersQuery,
  ListTasksQuery,
  OAuthCallbackQuery,
  PageQuery,
} from './integration.dto';
import { IntegrationsService } from './integrations.service';
import { MembersQuery } from './members.query';
import { AuditService } from '../audit/audit.service';
import { RequiresRole } from '../access/roles';

const uuid = uuidParam;

@ApiTags('integrations')
@ApiKeyAuth()
@Controller('api/integrations')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class IntegrationsController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly membersQuery: MembersQuery,
    private readonly audit: AuditService,
  ) {}

  @RequiresRole('admin')
  @Post()
  @ApiCreatedResponse({ type: IntegrationModel, description: 'the app card' })
  @ApiErrors(400, 409, 415)
  connect(@CurrentCaller() caller: Caller, @Body() body: ConnectIntegrationDto) {
    return this.integrations.connect(caller, body);
  }

  @Get()
  @ApiOkResponse({ type: IntegrationListModel })
  async list(@CurrentCaller() caller: Caller) {
    return { items: await this.integrations.list(caller) };
  }

  @Get(':id')
  @ApiOkResponse({ type: IntegrationModel })
  @ApiErrors(400, 404)
  get(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string) {
    return this.integrations.get(caller, id);
  }

  @RequiresRole('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'disconnected (the history stays)' })
  @ApiErrors(400, 404, 409)
  async disconnect(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string): Promise<void> {
    await this.integrations.disconnect(caller, id);
  }

  /** Begins the OAuth authorization-code flow of an API integration. */
  @RequiresRole('admin')
  @Post(':id/oauth/start')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthorizationStartModel })
  @ApiErrors(400, 404, 409)
  startAuthorization(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string) {
    return this.integrations.startAuthorization(caller, id);
  }

  @RequiresRole('operator')
  @Post(':id/check-for-updates')
  @HttpCode(202)
  @ApiBody({ type: CheckForUpdatesDto, required: false })
  @ApiAcceptedResponse({ type: TaskIdModel, description: 'the queued (or running) check' })
  @ApiErrors(400, 404, 409, 415)
  async checkForUpdates(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Body() body?: CheckForUpdatesDto,
  ) {
    const { taskId } = await this.integrations.checkForUpdates(caller, id, 'web_app', {
      confirmDepartures: body?.confirmDepartures === true,
    });
    return { taskId };
  }

  @Get(':id/members')
  @ApiExtraModels(MembersPageModel, TabAsOfPageModel)
  @ApiOkResponse({
    description: 'the tab now, or as of `asOf` (then with `at` and `position`)',
    schema: {
      oneOf: [{ $ref: getSchemaPath(MembersPageModel) }, { $ref: getSchemaPath(TabAsOfPageModel) }],
    },
  })
  @ApiErrors(400, 404)
  // The page leaves as the JSON bytes the query assembled (the same bytes `res.json` would
  // send, with the same ETag); a page from the page cache is neither encoded nor hashed again.
  @Header('Content-Type', 'application/json; charset=utf-8')
  async members(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Query() query: ListMembersQuery,
    @Res() res: ExpressResponse,
  ): Promise<void> {
    if (query.asOf !== undefined) {
      // A past tab is computed from the audit read model, not served from the page cache.
      const past = await this.audit.tabAsOf(caller, id, { ...query, asOf: query.asOf });
      sendJsonAnswer(res, jsonAnswer(JSON.stringify(past)));
      return;
    }
    await this.integrations.integration(caller, id);
    sendJsonAnswer(res, await this.membersQuery.pageAnswer(id, query));
  }

  @Get(':id/members/:memberId')
  @ApiOkResponse({ type: MemberModel })
  @ApiErrors(400, 404)
  async member(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
  ) {
    await this.integrations.integration(caller, id);
    return this.membersQuery.one(id, memberId);
  }
}

@ApiTags('automation accounts')
@ApiKeyAuth()
@Controller('api/automation-accounts')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class AutomationAccountsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  @ApiOkResponse({ type: AutomationAccountListModel })
  async list(@CurrentCaller() caller: Caller) {
    const items = await this.integrations.accounts(caller);
    return { items: items.map(automationAccountCard) };
  }
}

@ApiTags('automation tasks')
@ApiKeyAuth()
@Controller('api/automation-tasks')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class AutomationTasksController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly taskEvents: TaskEventsQuery,
    private readonly erasedEvidence: ErasedEvidence,
  ) {}

  @Get()
  @ApiOkResponse({ type: AutomationTaskPageModel })
  @ApiErrors(400)
  async list(@CurrentCaller() caller: Caller, @Query() query: ListTasksQuery) {
    const page = await this.integrations.tasksOf(caller, query);
    return {
      ...page,
      items: await Promise.all(page.items.map((t) => this.erasedEvidence.mark(t))),
    };
  }

  @Get(':id')
  @ApiOkResponse({ type: AutomationTaskModel })
  @ApiErrors(400, 404)
  async get(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string) {
    return this.erasedEvidence.mark(await this.integrations.task(caller, id));
  }

  /** The events carrying the task's id and the events they caused, oldest first. */
  @Get(':id/events')
  @ApiOkResponse({ type: TaskEventsPageModel })
  @ApiErrors(400, 404)
  events(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Query() query: PageQuery,
  ) {
    return this.taskEvents.page(caller, id, query);
  }
}

/**
 * Where Pinterest sends the user back after the consent page. Outside /api and its API key:
 * the single-use `state`, bound to the workspace and integration, is the authentication.
 */
@ApiTags('integrations')
@Controller('oauth/pinterest')
export class OAuthCallbackController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get('callback')
  @ApiOkResponse({ type: AuthorizationDoneModel, description: 'the app is authorized' })
  @ApiErrors(400)
  callback(@Query() query: OAuthCallbackQuery) {
    return this.integrations.completeAuthorization(query);
  }
}

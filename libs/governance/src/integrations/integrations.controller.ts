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
  UseGuards,
} from '@nestjs/common';
import { uuidParam } from '@app/infrastructure';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { automationAccountCard } from '../read-models/automation-accounts.projection';
import {
  CheckForUpdatesDto,
  ConnectIntegrationDto,
  ListMembersQuery,
  ListTasksQuery,
} from './integration.dto';
import { IntegrationsService } from './integrations.service';
import { MembersQuery } from './members.query';

const uuid = uuidParam;

@Controller('api/integrations')
@UseGuards(ApiKeyGuard)
export class IntegrationsController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly membersQuery: MembersQuery,
  ) {}

  @Post()
  connect(@CurrentCaller() caller: Caller, @Body() body: ConnectIntegrationDto) {
    return this.integrations.connect(caller, body);
  }

  @Get()
  async list(@CurrentCaller() caller: Caller) {
    return { items: await this.integrations.list(caller) };
  }

  @Get(':id')
  get(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string) {
    return this.integrations.get(caller, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async disconnect(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string): Promise<void> {
    await this.integrations.disconnect(caller, id);
  }

  @Post(':id/check-for-updates')
  @HttpCode(202)
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
  // The page leaves as the JSON text the query assembled (the same bytes `res.json` would send).
  @Header('Content-Type', 'application/json; charset=utf-8')
  async members(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Query() query: ListMembersQuery,
  ): Promise<string> {
    await this.integrations.integration(caller, id);
    return this.membersQuery.pageJson(id, query);
  }

  @Get(':id/members/:memberId')
  async member(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Param('memberId', uuid) memberId: string,
  ) {
    await this.integrations.integration(caller, id);
    return this.membersQuery.one(id, memberId);
  }
}

@Controller('api/automation-accounts')
@UseGuards(ApiKeyGuard)
export class AutomationAccountsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  async list(@CurrentCaller() caller: Caller) {
    const items = await this.integrations.accounts(caller);
    return { items: items.map(automationAccountCard) };
  }
}

@Controller('api/automation-tasks')
@UseGuards(ApiKeyGuard)
export class AutomationTasksController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: ListTasksQuery) {
    return this.integrations.tasksOf(caller, query);
  }

  @Get(':id')
  get(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string) {
    return this.integrations.task(caller, id);
  }
}

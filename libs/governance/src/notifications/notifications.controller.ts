import { Body, Controller, Get, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyAuth, NotificationPageModel, NotificationSettingsModel } from '../views';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { ListNotificationsQuery, NotificationSettingsDto } from './notifications.dto';
import { NotificationsService } from './notifications.service';
import { RequiresRole } from '../access/roles';

@ApiTags('notifications')
@ApiKeyAuth()
@Controller('api/settings/notifications')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class NotificationSettingsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationSettingsModel })
  get(@CurrentCaller() caller: Caller) {
    return this.notifications.settings(caller);
  }

  @RequiresRole('admin')
  @Put()
  @ApiBody({ type: NotificationSettingsDto })
  @ApiOkResponse({ type: NotificationSettingsModel })
  @ApiErrors(400, 409, 415)
  put(@CurrentCaller() caller: Caller, @Body() body: NotificationSettingsDto) {
    return this.notifications.setRecipients(caller, body.emails);
  }
}

@ApiTags('notifications')
@ApiKeyAuth()
@Controller('api/notifications')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPageModel, description: 'every message, newest first' })
  @ApiErrors(400)
  list(@CurrentCaller() caller: Caller, @Query() query: ListNotificationsQuery) {
    return this.notifications.list(caller, query);
  }
}

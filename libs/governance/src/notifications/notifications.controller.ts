import { Body, Controller, Get, Put, Query, UseGuards } from '@nestjs/common';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { ListNotificationsQuery, NotificationSettingsDto } from './notifications.dto';
import { NotificationsService } from './notifications.service';

@Controller('api/settings/notifications')
@UseGuards(ApiKeyGuard)
export class NotificationSettingsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  get(@CurrentCaller() caller: Caller) {
    return this.notifications.settings(caller);
  }

  @Put()
  put(@CurrentCaller() caller: Caller, @Body() body: NotificationSettingsDto) {
    return this.notifications.setRecipients(caller, body.emails);
  }
}

@Controller('api/notifications')
@UseGuards(ApiKeyGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: ListNotificationsQuery) {
    return this.notifications.list(caller, query);
  }
}

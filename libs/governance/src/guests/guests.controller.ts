import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { uuidParam } from '@app/infrastructure';
import { ApiKeyGuard, type Caller, CurrentCaller } from '../access';
import type { IdentityItem } from '../directory/identities.controller';
import { InviteGuestDto } from './guests.dto';
import { GuestsService } from './guests.service';

/** Guest users and local partners; listed with every identity by `GET /api/identities`. */
@Controller('api/guests')
@UseGuards(ApiKeyGuard)
export class GuestsController {
  constructor(private readonly guests: GuestsService) {}

  @Post()
  @HttpCode(201)
  invite(@CurrentCaller() caller: Caller, @Body() body: InviteGuestDto): Promise<IdentityItem> {
    return this.guests.invite(caller, body);
  }

  @Delete(':id')
  @HttpCode(200)
  end(@CurrentCaller() caller: Caller, @Param('id', uuidParam) id: string): Promise<IdentityItem> {
    return this.guests.end(caller, id);
  }
}

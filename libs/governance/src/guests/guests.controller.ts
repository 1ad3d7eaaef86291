import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '@app/infrastructure';
import { ApiErrors, ApiKeyAuth, IdentityModel } from '../views';
import { ApiKeyGuard, type Caller, CurrentCaller } from '../access';
import type { IdentityItem } from '../directory/identities.controller';
import { InviteGuestDto } from './guests.dto';
import { GuestsService } from './guests.service';
import { RequiresRole } from '../access/roles';

/** Guest users and local partners; listed with every identity by `GET /api/identities`. */
@ApiTags('directory')
@ApiKeyAuth()
@Controller('api/guests')
@UseGuards(ApiKeyGuard)
@RequiresRole('admin')
export class GuestsController {
  constructor(private readonly guests: GuestsService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: IdentityModel })
  @ApiErrors(400, 409)
  invite(@CurrentCaller() caller: Caller, @Body() body: InviteGuestDto): Promise<IdentityItem> {
    return this.guests.invite(caller, body);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ type: IdentityModel })
  @ApiErrors(400, 404, 409)
  end(@CurrentCaller() caller: Caller, @Param('id', uuidParam) id: string): Promise<IdentityItem> {
    return this.guests.end(caller, id);
  }
}

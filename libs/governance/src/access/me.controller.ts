import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyAuth } from '../views/openapi';
import { AccessService, type Caller, type Me } from './access.service';
import { ApiKeyGuard, CurrentCaller } from './auth.guard';
import { MeModel } from './keys.models';
import { RequiresRole } from './roles';

/** Who the caller's key is: any role may ask (the dashboard shows it and adapts to the role). */
@ApiTags('keys')
@ApiKeyAuth()
@Controller('api/me')
@UseGuards(ApiKeyGuard)
export class MeController {
  constructor(private readonly access: AccessService) {}

  @Get()
  @RequiresRole('auditor')
  @ApiOkResponse({ type: MeModel })
  @ApiErrors()
  me(@CurrentCaller() caller: Caller): Promise<Me> {
    return this.access.me(caller);
  }
}

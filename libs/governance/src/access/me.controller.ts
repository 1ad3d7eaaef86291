// THROW-AWAY STUB (r3-dash): the real GET /api/me lands from r3-keys and replaces this file at
// merge. It exists only so that the dashboard can run on this branch: every key is "admin".
import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, ObjectField, TextField } from '../views';
import type { Caller } from './access.service';
import { ApiKeyGuard, CurrentCaller } from './auth.guard';

export class MePersonModel {
  @TextField() email!: string;
  @TextField() name!: string;
}

export class MeModel {
  @TextField() workspaceId!: string;
  @TextField() keyId!: string;
  @TextField() name!: string;
  @TextField({ enum: ['auditor', 'operator', 'admin'] }) role!: string;
  @ObjectField(() => MePersonModel, { nullable: true }) person!: MePersonModel | null;
}

@ApiTags('access')
@ApiKeyAuth()
@Controller('api/me')
@UseGuards(ApiKeyGuard)
export class MeController {
  @Get()
  @ApiOkResponse({ type: MeModel, description: 'the key making the request' })
  me(@CurrentCaller() caller: Caller): MeModel {
    return {
      workspaceId: caller.workspaceId,
      keyId: caller.credentialId,
      name: caller.actor,
      role: 'admin',
      person: null,
    };
  }
}

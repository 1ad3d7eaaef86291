import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { CORE_USER_SCHEMA, NotFound } from '@app/domain';
import { type Caller, CurrentCaller, ScimTokenGuard } from '../access';
import { ScimExceptionFilter } from './scim-errors.filter';
import { scimBaseUrl } from './scim-http';
import {
  type IdentityView,
  listResponse,
  SCIM_CONTENT_TYPE,
  serviceProviderConfig,
  toScimUser,
  userResourceType,
  userSchema,
  versionOf,
} from './scim-resources';
import { ScimUsersService } from './scim-users.service';

function reply(
  res: ServerResponse,
  req: IncomingMessage,
  view: IdentityView,
): Record<string, unknown> {
  res.setHeader('ETag', versionOf(view.revision));
  return toScimUser(view, scimBaseUrl(req));
}

/** SCIM 2.0 (RFC 7644) for the IdP: users and the discovery endpoints. */
@Controller('scim/v2')
@UseGuards(ScimTokenGuard)
@UseFilters(ScimExceptionFilter)
export class ScimController {
  constructor(private readonly users: ScimUsersService) {}

  @Post('Users')
  @HttpCode(HttpStatus.CREATED)
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<Record<string, unknown>> {
    const view = await this.users.create(caller, body);
    res.setHeader('Location', `${scimBaseUrl(req)}/Users/${view.id}`);
    return reply(res, req, view);
  }

  @Get('Users')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  list(
    @CurrentCaller() caller: Caller,
    @Req() req: IncomingMessage,
    @Query('filter') filter?: unknown,
    @Query('startIndex') startIndex?: unknown,
    @Query('count') count?: unknown,
  ): Promise<Record<string, unknown>> {
    return this.users.list(caller, { filter, startIndex, count }, scimBaseUrl(req));
  }

  @Get('Users/:id')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<Record<string, unknown>> {
    return reply(res, req, await this.users.require(caller, id));
  }

  @Put('Users/:id')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  async replace(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<Record<string, unknown>> {
    return reply(res, req, await this.users.replace(caller, id, body));
  }

  @Patch('Users/:id')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  async patch(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<Record<string, unknown>> {
    return reply(res, req, await this.users.patch(caller, id, body));
  }

  @Delete('Users/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.users.delete(caller, id);
  }

  @Get('ServiceProviderConfig')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  serviceProviderConfig(@Req() req: IncomingMessage): Record<string, unknown> {
    return serviceProviderConfig(scimBaseUrl(req));
  }

  @Get('Schemas')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  schemas(@Req() req: IncomingMessage): Record<string, unknown> {
    return listResponse([userSchema(scimBaseUrl(req))], 1, 1);
  }

  @Get('Schemas/:id')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  schema(@Param('id') id: string, @Req() req: IncomingMessage): Record<string, unknown> {
    if (id !== CORE_USER_SCHEMA) throw new NotFound(`Schema ${id} not found`);
    return userSchema(scimBaseUrl(req));
  }

  @Get('ResourceTypes')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  resourceTypes(@Req() req: IncomingMessage): Record<string, unknown> {
    return listResponse([userResourceType(scimBaseUrl(req))], 1, 1);
  }

  @Get('ResourceTypes/:id')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  resourceType(@Param('id') id: string, @Req() req: IncomingMessage): Record<string, unknown> {
    if (id !== 'User') throw new NotFound(`ResourceType ${id} not found`);
    return userResourceType(scimBaseUrl(req));
  }
}

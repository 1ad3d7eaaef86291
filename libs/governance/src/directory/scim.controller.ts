import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applyDecorators,
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
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
  type SchemaObject,
} from '@nestjs/swagger';
import { CORE_USER_SCHEMA, NotFound } from '@app/domain';
import { ScimErrorModel, ScimTokenAuth } from '../views';
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

const SCIM_USER: SchemaObject = {
  type: 'object',
  additionalProperties: true,
  description: 'a SCIM 2.0 User (urn:ietf:params:scim:schemas:core:2.0:User), RFC 7643 §4.1',
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    id: { type: 'string', format: 'uuid' },
    externalId: { type: 'string' },
    userName: { type: 'string' },
    name: { type: 'object', additionalProperties: true },
    displayName: { type: 'string' },
    emails: { type: 'array', items: { type: 'object', additionalProperties: true } },
    active: { type: 'boolean' },
    meta: { type: 'object', additionalProperties: true },
  },
};
const SCIM_LIST: SchemaObject = {
  type: 'object',
  description: 'a SCIM ListResponse',
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    totalResults: { type: 'integer' },
    startIndex: { type: 'integer' },
    itemsPerPage: { type: 'integer' },
    Resources: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};
const SCIM_RESOURCE: SchemaObject = { type: 'object', additionalProperties: true };
const SCIM_PATCH: SchemaObject = {
  type: 'object',
  description: 'a SCIM PatchOp (Entra ID’s capitalised ops and string booleans accepted)',
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    Operations: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};

/** The SCIM error answers a route can give, in SCIM's error shape. */
const ScimErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, type: ScimErrorModel })));

/** SCIM 2.0 (RFC 7644) for the IdP: users and the discovery endpoints. */
@ApiTags('SCIM 2.0')
@ScimTokenAuth()
@ApiProduces('application/scim+json')
@Controller('scim/v2')
@UseGuards(ScimTokenGuard)
@UseFilters(ScimExceptionFilter)
export class ScimController {
  constructor(private readonly users: ScimUsersService) {}

  @Post('Users')
  @HttpCode(HttpStatus.CREATED)
  @ApiConsumes('application/scim+json', 'application/json')
  @ApiBody({ schema: SCIM_USER })
  @ApiCreatedResponse({ schema: SCIM_USER, description: 'with Location and ETag' })
  @ScimErrors(400, 409)
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
  @ApiQuery({
    name: 'filter',
    required: false,
    type: String,
    example: 'userName eq "ann@acme.example"',
  })
  @ApiQuery({ name: 'startIndex', required: false, type: 'integer' })
  @ApiQuery({ name: 'count', required: false, type: 'integer' })
  @ApiOkResponse({ schema: SCIM_LIST })
  @ScimErrors(400)
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
  @ApiOkResponse({ schema: SCIM_USER })
  @ScimErrors(404)
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
  @ApiConsumes('application/scim+json', 'application/json')
  @ApiBody({ schema: SCIM_USER })
  @ApiOkResponse({ schema: SCIM_USER })
  @ScimErrors(400, 404, 409)
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
  @ApiConsumes('application/scim+json', 'application/json')
  @ApiBody({ schema: SCIM_PATCH })
  @ApiOkResponse({ schema: SCIM_USER })
  @ScimErrors(400, 404, 409)
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
  @ApiNoContentResponse({ description: 'deleted (kept readable for what refers to it)' })
  @ScimErrors(404)
  async delete(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.users.delete(caller, id);
  }

  @Get('ServiceProviderConfig')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  @ApiOkResponse({ schema: SCIM_RESOURCE })
  serviceProviderConfig(@Req() req: IncomingMessage): Record<string, unknown> {
    return serviceProviderConfig(scimBaseUrl(req));
  }

  @Get('Schemas')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  @ApiOkResponse({ schema: SCIM_LIST })
  schemas(@Req() req: IncomingMessage): Record<string, unknown> {
    return listResponse([userSchema(scimBaseUrl(req))], 1, 1);
  }

  @Get('Schemas/:id')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  @ApiOkResponse({ schema: SCIM_RESOURCE })
  @ScimErrors(404)
  schema(@Param('id') id: string, @Req() req: IncomingMessage): Record<string, unknown> {
    if (id !== CORE_USER_SCHEMA) throw new NotFound(`Schema ${id} not found`);
    return userSchema(scimBaseUrl(req));
  }

  @Get('ResourceTypes')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  @ApiOkResponse({ schema: SCIM_LIST })
  resourceTypes(@Req() req: IncomingMessage): Record<string, unknown> {
    return listResponse([userResourceType(scimBaseUrl(req))], 1, 1);
  }

  @Get('ResourceTypes/:id')
  @Header('Content-Type', SCIM_CONTENT_TYPE)
  @ApiOkResponse({ schema: SCIM_RESOURCE })
  @ScimErrors(404)
  resourceType(@Param('id') id: string, @Req() req: IncomingMessage): Record<string, unknown> {
    if (id !== 'User') throw new NotFound(`ResourceType ${id} not found`);
    return userResourceType(scimBaseUrl(req));
  }
}

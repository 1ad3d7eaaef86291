import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type IdentityEmail, type IdentityName, InvalidCommand } from '@app/domain';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '@app/infrastructure';
import { ApiErrors, ApiKeyAuth, IdentityModel, IdentityPageModel } from '../views';
import { ApiKeyGuard, type Caller, CurrentCaller } from '../access';
import type { IdentityDoc } from './identities.projection';
import { IdentityDirectory, MAX_LIST_LIMIT } from './identity-directory.service';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export class ListIdentitiesQuery {
  @ApiPropertyOptional({ type: String, maxLength: 200, description: 'names, userName, emails' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ type: String, description: 'the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: 50 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit?: number;
}

/** The same id as the SCIM resource, so a member can be matched to it. */
export interface IdentityItem {
  id: string;
  userName: string;
  externalId: string | null;
  name: IdentityName;
  displayName: string | null;
  emails: IdentityEmail[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function identityItem(doc: IdentityDoc): IdentityItem {
  return {
    id: doc.id,
    userName: doc.userName,
    externalId: doc.externalId,
    name: doc.name,
    displayName: doc.displayName,
    emails: doc.emails,
    active: doc.active,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The directory for the web app's "Match with" picker. */
@ApiTags('directory')
@ApiKeyAuth()
@Controller('api/identities')
@UseGuards(ApiKeyGuard)
export class IdentitiesController {
  constructor(private readonly directory: IdentityDirectory) {}

  @Get()
  @ApiOkResponse({ type: IdentityPageModel })
  @ApiErrors(400)
  async list(
    @CurrentCaller() caller: Caller,
    // Whatever the app's global pipe, `active` and `limit` must arrive typed.
    @Query(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }))
    query: ListIdentitiesQuery,
  ): Promise<{ items: IdentityItem[]; nextCursor: string | null }> {
    await this.directory.catchUp();
    try {
      const page = await this.directory.list(caller.workspaceId, query);
      return { items: page.items.map(identityItem), nextCursor: page.nextCursor };
    } catch (error) {
      if (error instanceof InvalidCommand) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Get(':id')
  @ApiOkResponse({ type: IdentityModel })
  @ApiErrors(400, 404)
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam) id: string,
  ): Promise<IdentityItem> {
    await this.directory.catchUp();
    const doc = await this.directory.get(caller.workspaceId, id);
    if (!doc || doc.deleted) throw new NotFoundException(`identity ${id} not found`);
    return identityItem(doc);
  }
}

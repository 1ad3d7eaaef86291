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
import { displayNameOf, type IdentityDoc, type IdentitySource } from './identities.projection';
import { IdentityDirectory, MAX_LIST_LIMIT } from './identity-directory.service';
import { RequiresRole } from '../access/roles';

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

/**
 * The same id as the SCIM resource (or the guest), so a member can be matched to it.
 * `source`: `scim` (the IdP's user) or `guest` (a guest or local partner, with its `kind`,
 * `sponsor` and `expiresAt`; null for the IdP's users). `deprovisionReason` says why an
 * inactive identity is inactive.
 */
export interface IdentityItem {
  id: string;
  source: IdentitySource;
  userName: string;
  externalId: string | null;
  name: IdentityName;
  displayName: string | null;
  emails: IdentityEmail[];
  active: boolean;
  deprovisionReason: string | null;
  kind: string | null;
  sponsor: { identityId: string; displayName: string | null } | null;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `sponsors`: the sponsors' documents by id (a sponsor not found shows without a name). */
export function identityItem(
  doc: IdentityDoc,
  sponsors: ReadonlyMap<string, IdentityDoc> = new Map(),
): IdentityItem {
  const sponsor = doc.guest ? sponsors.get(doc.guest.sponsorIdentityId) : undefined;
  return {
    id: doc.id,
    source: doc.source,
    userName: doc.userName,
    externalId: doc.externalId,
    name: doc.name,
    displayName: doc.displayName,
    emails: doc.emails,
    active: doc.active,
    deprovisionReason: doc.deprovisionReason,
    kind: doc.guest?.kind ?? null,
    sponsor: doc.guest
      ? {
          identityId: doc.guest.sponsorIdentityId,
          displayName: sponsor && !sponsor.deleted ? displayNameOf(sponsor) : null,
        }
      : null,
    expiresAt: doc.guest?.expiresAt ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The directory for the web app's "Match with" picker. */
@ApiTags('directory')
@ApiKeyAuth()
@Controller('api/identities')
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
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
      const sponsors = await this.directory.sponsorsOf(caller.workspaceId, page.items);
      return {
        items: page.items.map((doc) => identityItem(doc, sponsors)),
        nextCursor: page.nextCursor,
      };
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
    return identityItem(doc, await this.directory.sponsorsOf(caller.workspaceId, [doc]));
  }
}

import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Injectable,
  Param,
  type PipeTransform,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CredentialKind } from '@app/domain';
import { ApiErrors, ApiKeyAuth } from '../views/openapi';
import {
  AccessService,
  type Caller,
  contextOf,
  type CredentialView,
  type IssuedCredential,
} from './access.service';
import { ApiKeyGuard, CurrentCaller } from './auth.guard';
import { CreateApiKeyDto, CreateScimTokenDto, RotateKeyDto } from './keys.dto';
import { IssuedKeyModel, KeyListModel, RevokedKeyModel, RotatedKeyModel } from './keys.models';
import { RequiresRole } from './roles';

const KEY_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** A key id is 16 hex digits (or a UUID for keys from the environment); anything else is 400. */
@Injectable()
class KeyIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !KEY_ID.test(value)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'id must be a key id',
        details: { field: 'id' },
      });
    }
    return value;
  }
}
const keyId = new KeyIdPipe();

/** The same four routes for API keys and SCIM tokens; only the kind differs. */
@Injectable()
abstract class CredentialsController {
  protected abstract readonly kind: CredentialKind;
  constructor(protected readonly access: AccessService) {}

  protected listOf(caller: Caller): Promise<{ items: CredentialView[] }> {
    return this.access.list(caller.workspaceId, this.kind).then((items) => ({ items }));
  }

  protected revokeOf(caller: Caller, id: string) {
    return this.access.revoke(caller.workspaceId, this.kind, id, contextOf(caller));
  }

  protected rotateOf(caller: Caller, id: string, body: RotateKeyDto | undefined) {
    return this.access.rotate(
      caller.workspaceId,
      this.kind,
      id,
      body?.graceSeconds ?? 0,
      contextOf(caller),
    );
  }
}

@ApiTags('keys')
@ApiKeyAuth()
@Controller('api/api-keys')
@UseGuards(ApiKeyGuard)
@RequiresRole('admin')
export class ApiKeysController extends CredentialsController {
  protected readonly kind = 'api_key' as const;

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: IssuedKeyModel, description: 'the key, shown this once' })
  @ApiErrors(400)
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateApiKeyDto,
  ): Promise<IssuedCredential> {
    return this.access.issueApiKey(
      caller.workspaceId,
      {
        name: body.name,
        role: body.role,
        person: { email: body.person.email, name: body.person.name },
      },
      contextOf(caller),
    );
  }

  @Get()
  @RequiresRole('auditor')
  @ApiOkResponse({ type: KeyListModel, description: 'every key of the workspace, never a secret' })
  @ApiErrors()
  list(@CurrentCaller() caller: Caller) {
    return this.listOf(caller);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedKeyModel })
  @ApiErrors(400, 404)
  revoke(@CurrentCaller() caller: Caller, @Param('id', keyId) id: string) {
    return this.revokeOf(caller, id);
  }

  @Post(':id/rotate')
  @HttpCode(201)
  @ApiBody({ type: RotateKeyDto, required: false })
  @ApiCreatedResponse({ type: RotatedKeyModel, description: 'the new key, shown this once' })
  @ApiErrors(400, 404, 409)
  rotate(
    @CurrentCaller() caller: Caller,
    @Param('id', keyId) id: string,
    @Body() body: RotateKeyDto,
  ) {
    return this.rotateOf(caller, id, body);
  }
}

@ApiTags('keys')
@ApiKeyAuth()
@Controller('api/scim-tokens')
@UseGuards(ApiKeyGuard)
@RequiresRole('admin')
export class ScimTokensController extends CredentialsController {
  protected readonly kind = 'scim_token' as const;

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: IssuedKeyModel, description: 'the token, shown this once' })
  @ApiErrors(400)
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateScimTokenDto,
  ): Promise<IssuedCredential> {
    return this.access.issueScimToken(
      caller.workspaceId,
      {
        name: body.name,
        role: 'admin',
        person: body.person ? { email: body.person.email, name: body.person.name } : undefined,
      },
      contextOf(caller),
    );
  }

  @Get()
  @RequiresRole('auditor')
  @ApiOkResponse({
    type: KeyListModel,
    description: 'every SCIM token of the workspace, never a secret',
  })
  @ApiErrors()
  list(@CurrentCaller() caller: Caller) {
    return this.listOf(caller);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedKeyModel })
  @ApiErrors(400, 404)
  revoke(@CurrentCaller() caller: Caller, @Param('id', keyId) id: string) {
    return this.revokeOf(caller, id);
  }

  @Post(':id/rotate')
  @HttpCode(201)
  @ApiBody({ type: RotateKeyDto, required: false })
  @ApiCreatedResponse({ type: RotatedKeyModel, description: 'the new token, shown this once' })
  @ApiErrors(400, 404, 409)
  rotate(
    @CurrentCaller() caller: Caller,
    @Param('id', keyId) id: string,
    @Body() body: RotateKeyDto,
  ) {
    return this.rotateOf(caller, id, body);
  }
}

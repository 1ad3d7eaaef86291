import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsSafeText, registerPlainCheck } from '@app/infrastructure';
import { trim } from '../input-fields';

/** Either an existing account (`{ id }`) or a new one (`{ label, email, password, phone }`). */
export class AutomationAccountInput {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'an existing account' })
  @IsOptional()
  @IsUUID('4', { message: 'automationAccount.id must be the id of an automation account' })
  id?: string;

  @ApiPropertyOptional({ type: String, maxLength: 100, description: 'for a new account' })
  @ValidateIf((o: AutomationAccountInput) => o.id === undefined)
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'label must not be empty' })
  @MaxLength(100)
  @IsSafeText()
  label?: string;

  @ApiPropertyOptional({ type: String, format: 'email', description: 'for a new account' })
  @ValidateIf((o: AutomationAccountInput) => o.id === undefined)
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'password',
    maxLength: 1024,
    description: 'for a new account; kept in the vault, never echoed',
  })
  @ValidateIf((o: AutomationAccountInput) => o.id === undefined)
  @IsString()
  @MinLength(1, { message: 'password must not be empty' })
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ type: String, pattern: '^\\+?[0-9 ()-]{5,20}$' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'phone must be a phone number' })
  phone?: string;
}

/** An app registered on Pinterest: its client id and secret, and a refresh token if one exists. */
export class OAuthAppInput {
  @ApiProperty({ type: String, maxLength: 200 })
  @IsString({ message: 'oauth.clientId must be a string' })
  @MinLength(1, { message: 'oauth.clientId must not be empty' })
  @MaxLength(200)
  clientId!: string;

  @ApiProperty({ type: String, maxLength: 1000, description: 'kept in the vault' })
  @IsString({ message: 'oauth.clientSecret must be a string' })
  @MinLength(1, { message: 'oauth.clientSecret must not be empty' })
  @MaxLength(1000)
  clientSecret!: string;

  /** Absent: the integration awaits the authorization-code flow. */
  @ApiPropertyOptional({ type: String, maxLength: 4000, description: 'kept in the vault' })
  @IsOptional()
  @IsString({ message: 'oauth.refreshToken must be a string' })
  @MinLength(1, { message: 'oauth.refreshToken must not be empty' })
  @MaxLength(4000)
  refreshToken?: string;
}

export class ConnectIntegrationDto {
  @ApiProperty({ type: String, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'label must not be empty' })
  @MaxLength(100)
  @IsSafeText()
  label!: string;

  @ApiProperty({ type: String, pattern: '^\\d{1,20}$', example: '729090764583391194' })
  @IsString({ message: 'businessId must be a string of 1-20 digits' })
  @Matches(/^\d{1,20}$/, { message: 'businessId must be 1-20 digits' })
  businessId!: string;

  /** browser (default): an automation account logs in; api: the app's OAuth authorization. */
  @ApiPropertyOptional({ enum: ['browser', 'api'], default: 'browser' })
  @IsOptional()
  @IsIn(['browser', 'api'], { message: 'connector must be "browser" or "api"' })
  connector?: 'browser' | 'api';

  // Optional with the API connector: an automation account is then only the browser fallback.
  @ApiPropertyOptional({
    enum: ['sso', 'password'],
    description: 'required unless connector is api',
  })
  @ValidateIf((o: ConnectIntegrationDto) => o.connector !== 'api' || o.loginMethod !== undefined)
  @IsIn(['sso', 'password'], { message: 'loginMethod must be "sso" or "password"' })
  loginMethod?: 'sso' | 'password';

  @ApiPropertyOptional({
    type: () => AutomationAccountInput,
    description:
      '{ id } of an existing account, or { label, email, password, phone? }; required unless connector is api',
  })
  @ValidateIf(
    (o: ConnectIntegrationDto) => o.connector !== 'api' || o.automationAccount !== undefined,
  )
  @IsObject({ message: 'automationAccount must be { id } or { label, email, password, phone }' })
  @IsNotEmpty()
  @ValidateNested()
  @Type(() => AutomationAccountInput)
  automationAccount?: AutomationAccountInput;

  @ApiPropertyOptional({
    type: () => OAuthAppInput,
    description: 'required with connector api: the app registered on Pinterest',
  })
  @ValidateIf((o: ConnectIntegrationDto) => o.connector === 'api' || o.oauth !== undefined)
  @IsObject({
    message: 'oauth must be { clientId, clientSecret, refreshToken? } (connector "api")',
  })
  @ValidateNested()
  @Type(() => OAuthAppInput)
  oauth?: OAuthAppInput;
}

/** The query Pinterest sends back to GET /oauth/pinterest/callback. */
export class OAuthCallbackQuery {
  @ApiProperty({ type: String, description: 'the state oauth/start put in the authorize URL' })
  @IsString({ message: 'state is required' })
  @MaxLength(500)
  state!: string;

  @ApiPropertyOptional({ type: String, description: "Pinterest's authorization code" })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  code?: string;

  @ApiPropertyOptional({ type: String, description: 'set when the user refused' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  error?: string;
}

/** The body of POST /api/integrations/:id/check-for-updates, which may be empty. */
export class CheckForUpdatesDto {
  /**
   * An admin's go-ahead for this check to record departures past the import safeguard
   * (IMPORT_SAFEGUARD_PERCENT); recorded on the request with who gave it.
   */
  @ApiPropertyOptional({
    type: Boolean,
    description: 'record departures past the import safeguard (who confirmed is recorded)',
  })
  @IsOptional()
  @IsBoolean({ message: 'confirmDepartures must be true or false' })
  confirmDepartures?: boolean;
}

/** Cursor pagination, the same on every list. */
export class PageQuery {
  @ApiPropertyOptional({ type: String, description: 'the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 500' })
  @Min(1)
  @Max(500)
  limit = 50;
}

export class ListMembersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['unmatched', 'onboarded', 'exempted'], default: 'unmatched' })
  @IsOptional()
  @IsIn(['unmatched', 'onboarded', 'exempted'], {
    message: 'tab must be unmatched, onboarded or exempted',
  })
  tab: 'unmatched' | 'onboarded' | 'exempted' = 'unmatched';

  @ApiPropertyOptional({
    type: String,
    maxLength: 200,
    description: 'name or email, case and accents aside',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  search?: string;

  /** The tab as it was at this instant (checked by the audit service: ISO, not future). */
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'the tab as it was at this instant (not in the future)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asOf?: string;
}

const TABS: ReadonlySet<string> = new Set(['unmatched', 'onboarded', 'exempted']);
const PAGE_LIMIT = /^[1-9][0-9]{0,2}$/;

/**
 * The tab page's query as the pipe would build it, for plain values only: a string's length
 * bounds its counted length (surrogate pairs count once), and anything else goes to the pipe.
 */
registerPlainCheck(ListMembersQuery, (value) => {
  if (typeof value !== 'object' || value === null) return null;
  const query = new ListMembersQuery();
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') return null;
    if (key === 'tab' && TABS.has(v)) query.tab = v as ListMembersQuery['tab'];
    else if (key === 'limit' && PAGE_LIMIT.test(v) && Number(v) <= 500) query.limit = Number(v);
    else if (key === 'cursor' && v.length <= 2000) query.cursor = v;
    else if (key === 'search' && v.trim().length <= 200) query.search = v.trim();
    else return null;
  }
  return query;
});

export class ListTasksQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'integrationId must be an integration id' })
  integrationId?: string;

  @ApiPropertyOptional({
    enum: ['queued', 'running', 'retrying', 'not_completed', 'completed'],
  })
  @IsOptional()
  @IsIn(['queued', 'running', 'retrying', 'not_completed', 'completed'], {
    message: 'status must be queued, running, retrying, not_completed or completed',
  })
  status?: string;
}

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
import { IsSafeText } from '@app/infrastructure';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** Either an existing account (`{ id }`) or a new one (`{ label, email, password, phone }`). */
export class AutomationAccountInput {
  @IsOptional()
  @IsUUID('4', { message: 'automationAccount.id must be the id of an automation account' })
  id?: string;

  @ValidateIf((o: AutomationAccountInput) => o.id === undefined)
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'label must not be empty' })
  @MaxLength(100)
  @IsSafeText()
  label?: string;

  @ValidateIf((o: AutomationAccountInput) => o.id === undefined)
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string;

  @ValidateIf((o: AutomationAccountInput) => o.id === undefined)
  @IsString()
  @MinLength(1, { message: 'password must not be empty' })
  @MaxLength(1024)
  password?: string;

  @IsOptional()
  @Transform(trim)
  @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'phone must be a phone number' })
  phone?: string;
}

/** An app registered on Pinterest: its client id and secret, and a refresh token if one exists. */
export class OAuthAppInput {
  @IsString({ message: 'oauth.clientId must be a string' })
  @MinLength(1, { message: 'oauth.clientId must not be empty' })
  @MaxLength(200)
  clientId!: string;

  @IsString({ message: 'oauth.clientSecret must be a string' })
  @MinLength(1, { message: 'oauth.clientSecret must not be empty' })
  @MaxLength(1000)
  clientSecret!: string;

  /** Absent: the integration awaits the authorization-code flow. */
  @IsOptional()
  @IsString({ message: 'oauth.refreshToken must be a string' })
  @MinLength(1, { message: 'oauth.refreshToken must not be empty' })
  @MaxLength(4000)
  refreshToken?: string;
}

export class ConnectIntegrationDto {
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'label must not be empty' })
  @MaxLength(100)
  @IsSafeText()
  label!: string;

  @IsString({ message: 'businessId must be a string of 1-20 digits' })
  @Matches(/^\d{1,20}$/, { message: 'businessId must be 1-20 digits' })
  businessId!: string;

  /** browser (default): an automation account logs in; api: the app's OAuth authorization. */
  @IsOptional()
  @IsIn(['browser', 'api'], { message: 'connector must be "browser" or "api"' })
  connector?: 'browser' | 'api';

  // Optional with the API connector: an automation account is then only the browser fallback.
  @ValidateIf((o: ConnectIntegrationDto) => o.connector !== 'api' || o.loginMethod !== undefined)
  @IsIn(['sso', 'password'], { message: 'loginMethod must be "sso" or "password"' })
  loginMethod?: 'sso' | 'password';

  @ValidateIf(
    (o: ConnectIntegrationDto) => o.connector !== 'api' || o.automationAccount !== undefined,
  )
  @IsObject({ message: 'automationAccount must be { id } or { label, email, password, phone }' })
  @IsNotEmpty()
  @ValidateNested()
  @Type(() => AutomationAccountInput)
  automationAccount?: AutomationAccountInput;

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
  @IsString({ message: 'state is required' })
  @MaxLength(500)
  state!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  code?: string;

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
  @IsOptional()
  @IsBoolean({ message: 'confirmDepartures must be true or false' })
  confirmDepartures?: boolean;
}

/** Cursor pagination, the same on every list. */
export class PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 500' })
  @Min(1)
  @Max(500)
  limit = 50;
}

export class ListMembersQuery extends PageQuery {
  @IsOptional()
  @IsIn(['unmatched', 'onboarded', 'exempted'], {
    message: 'tab must be unmatched, onboarded or exempted',
  })
  tab: 'unmatched' | 'onboarded' | 'exempted' = 'unmatched';

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  search?: string;
}

export class ListTasksQuery extends PageQuery {
  @IsOptional()
  @IsUUID('all', { message: 'integrationId must be an integration id' })
  integrationId?: string;

  @IsOptional()
  @IsIn(['queued', 'running', 'retrying', 'not_completed', 'completed'], {
    message: 'status must be queued, running, retrying, not_completed or completed',
  })
  status?: string;
}

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
import { IsSafeText, registerPlainCheck } from '@app/infrastructure';

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

  @IsIn(['sso', 'password'], { message: 'loginMethod must be "sso" or "password"' })
  loginMethod!: 'sso' | 'password';

  @IsObject({ message: 'automationAccount must be { id } or { label, email, password, phone }' })
  @IsNotEmpty()
  @ValidateNested()
  @Type(() => AutomationAccountInput)
  automationAccount!: AutomationAccountInput;
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
  @IsOptional()
  @IsUUID('all', { message: 'integrationId must be an integration id' })
  integrationId?: string;

  @IsOptional()
  @IsIn(['queued', 'running', 'retrying', 'not_completed', 'completed'], {
    message: 'status must be queued, running, retrying, not_completed or completed',
  })
  status?: string;
}

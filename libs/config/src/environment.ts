import { plainToInstance, Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  validateSync,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** The parts of an SMTP_URL; `url` is the address without its password, for logs. */
export interface SmtpSettings {
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
  password: string | null;
  url: string;
}

/** Parses `smtp(s)://[user[:pass]@]host[:port]`; null when it is not one. */
export function parseSmtpUrl(value: string): SmtpSettings | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return null;
  if (!url.hostname || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash)
    return null;
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const user = url.username ? decodeURIComponent(url.username) : null;
  const password = url.password ? decodeURIComponent(url.password) : null;
  return {
    secure,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user,
    password,
    url: `${url.protocol}//${user ? `${encodeURIComponent(user)}${password ? ':***' : ''}@` : ''}${url.host}`,
  };
}

@ValidatorConstraint({ name: 'isSmtpUrl' })
class IsSmtpUrl implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseSmtpUrl(value) !== null;
  }
  defaultMessage(): string {
    return 'SMTP_URL must be smtp://user:pass@host:port or smtps://user:pass@host:port';
  }
}

/** Variables that are a secret: an error names them, never shows them. */
const SECRET_VARIABLES = new Set([
  'ADMIN_API_KEY',
  'SCIM_TOKEN',
  'VAULT_KEY',
  'API_KEY_PEPPER',
  'PERSON_KEY',
  'METRICS_TOKEN',
]);

/** Connection strings whose user-info may hold a password: an error shows only the host part. */
const URL_VARIABLES = new Set(['SMTP_URL', 'MONGO_URL', 'EVENTSTORE_URL']);

/** Variables whose value may hold a secret: an error shows them without it. */
function shown(property: string, value: unknown): string {
  if (SECRET_VARIABLES.has(property) && typeof value === 'string') {
    return `<${value.length} characters, not shown>`;
  }
  if (URL_VARIABLES.has(property) && typeof value === 'string') {
    // Whatever precedes the last @ may be a password, however malformed the rest is.
    const at = value.lastIndexOf('@');
    return JSON.stringify(at < 0 ? value : `***${value.slice(at)}`);
  }
  return JSON.stringify(value);
}

/**
 * Every environment variable the service reads, with its default. The README's configuration
 * table is written from this class: keep them in step.
 */
export class Environment {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** The interface the API listens on; loopback unless told otherwise (compose: 0.0.0.0). */
  @IsString()
  @Matches(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/,
    {
      message: 'HOST must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0',
    },
  )
  HOST = '127.0.0.1';

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\/.+/, {
    message: 'EVENTSTORE_URL must be a connection string such as esdb://localhost:2113?tls=false',
  })
  EVENTSTORE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/.+/, {
    message:
      'MONGO_URL must be a connection string such as mongodb://localhost:27017/?replicaSet=rs0',
  })
  MONGO_URL?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'MONGO_DB must be 1-63 letters, digits, _ or -' })
  MONGO_DB = 'pinterest_governance';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  MAX_EVENT_BYTES = 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  PROJECTION_BATCH_SIZE = 1000;

  /** 32 bytes as 64 hex characters or base64; unset → a key file under DATA_DIR (mode 0600). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'VAULT_KEY must be 32 bytes as 64 hex characters or 44 base64 characters',
  })
  VAULT_KEY?: string;

  /**
   * The server secret of erasure (person ids and the wrapping of per-person keys), 32 bytes as
   * 64 hex or 44 base64 characters; unset → DATA_DIR/person.key (mode 0600).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'PERSON_KEY must be 32 bytes as 64 hex characters or 44 base64 characters',
  })
  PERSON_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_API_KEY must be at least 16 characters' })
  ADMIN_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'SCIM_TOKEN must be at least 16 characters' })
  SCIM_TOKEN?: string;

  /**
   * The server secret API keys and SCIM tokens are hashed with (HMAC-SHA-256). Unset: a
   * random one kept in DATA_DIR/api-key.pepper (mode 0600), shared by the processes on that
   * directory; processes on different hosts must all be given the same value.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'API_KEY_PEPPER must be at least 32 characters' })
  API_KEY_PEPPER?: string;

  /** When set, the service drives this Business Manager and starts no simulator. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'PINTEREST_BASE_URL must be an http(s) URL' })
  PINTEREST_BASE_URL?: string;

  /**
   * Pinterest's REST API (the API connector). Unset: https://api.pinterest.com/v5 when
   * PINTEREST_BASE_URL is set, else the embedded simulator's /v5.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'PINTEREST_API_BASE_URL must be an http(s) URL' })
  PINTEREST_API_BASE_URL?: string;

  /**
   * The address users reach this service at, e.g. https://governance.example.com: Pinterest
   * sends the app's authorization back to `<PUBLIC_BASE_URL>/oauth/pinterest/callback`.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_BASE_URL must be an http(s) URL' })
  PUBLIC_BASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  SIM_PORT = 3100;

  /**
   * The address the simulator listens on: loopback by default, so a laptop does not expose
   * it; `0.0.0.0` in a container, where other containers reach it by service name.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() === '' ? '127.0.0.1' : value,
  )
  @IsString()
  @Matches(/^([A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:]{2,39})$/, {
    message: 'SIM_HOST must be a host name or an IP address, e.g. 127.0.0.1 or 0.0.0.0',
  })
  SIM_HOST = '127.0.0.1';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  PLAYWRIGHT_CHROMIUM_PATH?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  RPA_CONCURRENCY = 2;

  /** Cron expression (with seconds) of the daily automatic check. */
  @IsString()
  @Matches(/^\S+( \S+){4,5}$/, {
    message: 'CHECK_CRON must be a cron expression, e.g. "0 0 3 * * *"',
  })
  CHECK_CRON = '0 0 3 * * *';

  /**
   * The import safeguard: a check that would record more than this percentage of the members
   * as gone (not counting members the service removed) records none until an admin confirms.
   */
  @Transform(toInt)
  @IsInt({ message: 'IMPORT_SAFEGUARD_PERCENT must be a whole number from 0 to 100' })
  @Min(0, { message: 'IMPORT_SAFEGUARD_PERCENT must be a whole number from 0 to 100' })
  @Max(100, { message: 'IMPORT_SAFEGUARD_PERCENT must be a whole number from 0 to 100' })
  IMPORT_SAFEGUARD_PERCENT = 20;

  /**
   * The deprovision safeguard: an apply of the deprovision report that would remove more than
   * this percentage of the integration's current members is refused until an admin confirms.
   */
  @Transform(toInt)
  @IsInt({ message: 'DEPROVISION_SAFEGUARD_PERCENT must be a whole number from 0 to 100' })
  @Min(0, { message: 'DEPROVISION_SAFEGUARD_PERCENT must be a whole number from 0 to 100' })
  @Max(100, { message: 'DEPROVISION_SAFEGUARD_PERCENT must be a whole number from 0 to 100' })
  DEPROVISION_SAFEGUARD_PERCENT = 20;

  /**
   * The mail server notifications go through: `smtp://user:pass@host:port` (STARTTLS when the
   * server offers it) or `smtps://…` (TLS from the start). Unset: messages are kept in the
   * outbox (DATA_DIR/outbox) with status `outbox`. Its password is never logged or recorded.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @Validate(IsSmtpUrl)
  SMTP_URL?: string;

  /** The sender of notifications. */
  @IsEmail({}, { message: 'MAIL_FROM must be an email address' })
  MAIL_FROM = 'access-governance@localhost.localdomain';

  /**
   * `all` (default): API, projections and sagas in one process. `api`: HTTP only, stateless,
   * scale it out. `worker`: projections, sagas and the daily check.
   */
  @IsIn(['all', 'api', 'worker'], { message: 'SERVICE_ROLE must be all, api or worker' })
  SERVICE_ROLE: 'all' | 'api' | 'worker' = 'all';

  /**
   * `production` (docker-compose sets it): GraphQL refuses introspection and names no
   * schema detail in its errors. Any other value is a development or test run.
   */
  @IsString()
  NODE_ENV = 'development';

  /**
   * Whole member tab pages kept (as sent) while the read models they show stay put; 0: none.
   * Megabytes of JSON per API process.
   */
  @Transform(toInt)
  @IsInt({ message: 'MEMBER_PAGE_CACHE_MB must be a whole number from 0 to 1024' })
  @Min(0, { message: 'MEMBER_PAGE_CACHE_MB must be a whole number from 0 to 1024' })
  @Max(1024, { message: 'MEMBER_PAGE_CACHE_MB must be a whole number from 0 to 1024' })
  MEMBER_PAGE_CACHE_MB = 16;

  /**
   * The least level written (JSON lines on standard output): `log` includes one line per HTTP
   * request; `warn` and above leave requests out.
   */
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose',
  })
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /**
   * A process that runs the projections answers /health/ready with 503 while one of them is
   * more than this many events behind the log's head. An `api`-only process ignores it.
   */
  @Transform(toInt)
  @IsInt({ message: 'READY_MAX_LAG must be a whole number from 0 to 10000000' })
  @Min(0, { message: 'READY_MAX_LAG must be a whole number from 0 to 10000000' })
  @Max(10_000_000, { message: 'READY_MAX_LAG must be a whole number from 0 to 10000000' })
  READY_MAX_LAG = 10_000;

  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`; unset: open. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;
}

export class InvalidEnvironment extends Error {
  override readonly name = 'InvalidEnvironment';
}

/** For ConfigModule.forRoot({ validate }): a bad value stops the start with its name. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const messages = Object.values(e.constraints ?? {}).join('; ');
      return `  ${e.property}=${shown(e.property, raw[e.property])}: ${messages}`;
    });
    throw new InvalidEnvironment(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (env.SERVICE_ROLE !== 'all' && !env.PINTEREST_BASE_URL) {
    // Split processes cannot each start their own simulator on one port.
    throw new InvalidEnvironment(
      `Invalid configuration:\n  PINTEREST_BASE_URL is required when SERVICE_ROLE=${env.SERVICE_ROLE} (run the simulator with npm run sim)`,
    );
  }
  return env;
}

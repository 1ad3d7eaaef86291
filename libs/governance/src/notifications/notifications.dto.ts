import { IsArray, IsIn, IsOptional, isEmail, ValidateBy } from 'class-validator';
import { MAX_NOTIFICATION_RECIPIENTS } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../integrations/integration.dto';

/** The index and the fault of the first entry that is not an email address; null when all are. */
function firstBadEmail(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  for (const [i, entry] of value.entries()) {
    if (typeof entry !== 'string') return `emails[${i}] must be a string`;
    const trimmed = entry.trim();
    if (trimmed.length > 254 || !isEmail(trimmed)) {
      return `emails[${i}] must be an email address`;
    }
  }
  return null;
}

/** Every entry an email address; the message names the first entry that is not. */
function AreEmails(): PropertyDecorator {
  return ValidateBy({
    name: 'areEmails',
    validator: {
      validate: (value: unknown) => firstBadEmail(value) === null,
      defaultMessage: (args) => firstBadEmail(args?.value) ?? 'emails must be email addresses',
    },
  });
}

/** Far more entries than any list of distinct recipients may hold: refused before looking. */
const MAX_ENTRIES = MAX_NOTIFICATION_RECIPIENTS * 4;

function NotTooMany(): PropertyDecorator {
  return ValidateBy({
    name: 'notTooMany',
    validator: {
      validate: (value: unknown) => !Array.isArray(value) || value.length <= MAX_ENTRIES,
      defaultMessage: () => `emails must list at most ${MAX_NOTIFICATION_RECIPIENTS} addresses`,
    },
  });
}

/** PUT /api/settings/notifications: the whole list of recipients ([] for none). */
export class NotificationSettingsDto {
  @ApiProperty({ type: String, isArray: true, format: 'email', description: '[] for none' })
  @IsArray({ message: 'emails must be an array of email addresses' })
  @NotTooMany()
  @AreEmails()
  emails!: string[];
}

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['queued', 'retrying', 'sent', 'outbox', 'failed'] })
  @IsOptional()
  @IsIn(['queued', 'retrying', 'sent', 'outbox', 'failed'], {
    message: 'status must be queued, retrying, sent, outbox or failed',
  })
  status?: string;
}

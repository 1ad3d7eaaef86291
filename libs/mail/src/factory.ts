import { join } from 'node:path';
import { parseSmtpUrl } from '@app/config';
import type { MailTransport } from './mail.port';
import { OutboxMailTransport } from './outbox-transport';
import { SmtpMailTransport } from './smtp-transport';

/** SMTP when SMTP_URL is set, else the outbox folder under DATA_DIR. */
export function createMailTransport(env: {
  SMTP_URL?: string;
  MAIL_FROM: string;
  DATA_DIR: string;
}): MailTransport {
  if (env.SMTP_URL) {
    const smtp = parseSmtpUrl(env.SMTP_URL);
    if (!smtp) throw new Error('SMTP_URL is not an smtp:// or smtps:// URL');
    return new SmtpMailTransport({ ...smtp, from: env.MAIL_FROM });
  }
  return new OutboxMailTransport(join(env.DATA_DIR, 'outbox'), env.MAIL_FROM);
}

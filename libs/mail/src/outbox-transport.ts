import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { type Delivery, type MailMessage, MailTransport, messageIdOf } from './mail.port';

/**
 * No mail server configured: each message is kept as an RFC 822 file (`<id>.eml`) in a folder,
 * ready to be opened or sent by hand. Writing the same message again replaces its file, so a
 * retried delivery keeps one copy.
 */
export class OutboxMailTransport extends MailTransport {
  readonly kind = 'outbox' as const;
  readonly description: string;

  constructor(
    private readonly folder: string,
    private readonly from: string,
  ) {
    super();
    this.description = `outbox ${folder}`;
  }

  async deliver(message: MailMessage): Promise<Delivery> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const raw = await new MailComposer({
      from: this.from,
      to: [...message.to],
      subject: message.subject,
      text: message.text,
      messageId: messageIdOf(message, this.from),
    })
      .compile()
      .build();
    const path = join(this.folder, `${message.id}.eml`);
    // Written aside then renamed: a crash never leaves half a message under its name.
    await writeFile(`${path}.tmp`, raw, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
    return { status: 'outbox', path };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

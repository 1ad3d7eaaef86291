import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { secondsSince, smtpDeliveries } from '@app/observability';
import {
  type Delivery,
  type MailMessage,
  MailDeliveryFailed,
  MailTransport,
  messageIdOf,
} from './mail.port';

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (smtps); otherwise STARTTLS is used whenever the server offers it. */
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
  /** For logs: the address without the password. */
  url: string;
  /** A private CA that the server's certificate is checked against (a relay of one's own). */
  ca?: string;
  /** Milliseconds for connecting, the greeting and each reply (default 10 s, 10 s, 30 s). */
  timeouts?: { connection: number; greeting: number; socket: number };
}

/**
 * SMTP through nodemailer. One connection per message: notifications are rare, and a fresh
 * connection never carries a broken one's state into the next send.
 */
export class SmtpMailTransport extends MailTransport {
  readonly kind = 'smtp' as const;
  readonly description: string;
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly options: SmtpOptions) {
    super();
    this.description = `smtp ${options.url}`;
    const timeouts = options.timeouts ?? { connection: 10_000, greeting: 10_000, socket: 30_000 };
    this.transporter = createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      // STARTTLS when offered (nodemailer's default unless ignoreTLS); not required, so a
      // local relay without TLS still works.
      ...(options.user ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
      ...(options.ca ? { tls: { ca: options.ca } } : {}),
      connectionTimeout: timeouts.connection,
      greetingTimeout: timeouts.greeting,
      socketTimeout: timeouts.socket,
      logger: false,
      debug: false,
    });
  }

  async deliver(message: MailMessage): Promise<Delivery> {
    const messageId = messageIdOf(message, this.options.from);
    const started = performance.now();
    try {
      const info = await this.transporter.sendMail({
        from: this.options.from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
        messageId,
      });
      smtpDeliveries.observe({ outcome: 'sent' }, secondsSince(started));
      return {
        status: 'sent',
        messageId,
        accepted: (info.accepted as unknown[]).map((a) =>
          typeof a === 'string' ? a : (a as { address: string }).address,
        ),
        response: this.scrub(info.response),
      };
    } catch (error) {
      const failure = this.failure(error);
      smtpDeliveries.observe(
        { outcome: failure.retryable ? 'transient_failure' : 'permanent_failure' },
        secondsSince(started),
      );
      throw failure;
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }

  /**
   * A 5xx answer or refused credentials are the server's final word; a 4xx answer or a network
   * failure (refused, reset, timed out) may pass on a later attempt.
   */
  private failure(error: unknown): MailDeliveryFailed {
    const e = error as { message?: string; code?: string; responseCode?: number };
    const message = this.scrub(e.message ?? String(error));
    const permanent =
      (typeof e.responseCode === 'number' && e.responseCode >= 500) || e.code === 'EAUTH';
    return new MailDeliveryFailed(
      `${this.options.host}:${this.options.port}: ${message}`,
      !permanent,
    );
  }

  /** Nothing the server or the library says may carry the password out. */
  private scrub(text: string): string {
    const { password } = this.options;
    return password ? text.split(password).join('***') : text;
  }
}

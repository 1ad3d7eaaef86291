/**
 * The mail port: one message out, addressed by the caller. Adapters: SMTP through nodemailer,
 * and an outbox that keeps messages when no mail server is configured.
 */
export interface MailMessage {
  /** Stable across retries: it becomes the Message-ID, so a resend after a crash is recognisable. */
  id: string;
  to: readonly string[];
  subject: string;
  text: string;
}

export type Delivery =
  /** The mail server accepted the message for these recipients. */
  | { status: 'sent'; messageId: string; accepted: string[]; response: string }
  /** No mail server: the message is kept (DATA_DIR/outbox) for someone to send by hand. */
  | { status: 'outbox'; path: string };

/** A delivery that did not happen; `retryable` when trying again later may work. */
export class MailDeliveryFailed extends Error {
  override readonly name = 'MailDeliveryFailed';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export abstract class MailTransport {
  abstract readonly kind: 'smtp' | 'outbox';
  /** Where messages go, without any secret (for logs and health). */
  abstract readonly description: string;
  abstract deliver(message: MailMessage): Promise<Delivery>;
  abstract close(): Promise<void>;
}

/** The Message-ID of a message: the same id always gives the same header. */
export function messageIdOf(message: Pick<MailMessage, 'id'>, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'localhost';
  return `<${message.id}@${domain}>`;
}

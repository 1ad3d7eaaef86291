import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMessage {
  mailFrom: string;
  rcptTo: string[];
  headers: Record<string, string>;
  /** The text body, transfer encoding undone. */
  text: string;
  raw: string;
}

/** A real SMTP server on a free loopback port that keeps what it is sent (tests only). */
export interface SmtpCatcher {
  port: number;
  /** The messages the server accepted (answered 250 to). */
  messages: CaughtMessage[];
  /** Every message whose data arrived, accepted or held. */
  received: CaughtMessage[];
  logins: string[];
  close(): Promise<void>;
}

function decodeQuotedPrintable(body: string): string {
  const bytes = Buffer.from(
    body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
  return bytes.toString('utf8');
}

function parse(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.slice(split + 4);
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

export async function startSmtpCatcher(
  credentials: { user: string; password: string },
  /** When it says so for a message, the server never answers its data (the client hangs). */
  hold: (message: CaughtMessage) => boolean = () => false,
): Promise<SmtpCatcher> {
  const messages: CaughtMessage[] = [];
  const received: CaughtMessage[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    // No certificate here to offer STARTTLS with; the client uses it when offered.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.password) {
        logins.push(auth.username ?? '');
        return callback(null, { user: auth.username });
      }
      return callback(new Error('invalid credentials'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const message: CaughtMessage = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parse(raw),
        };
        received.push(message);
        if (hold(message)) return;
        messages.push(message);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import {
  createMailTransport,
  MailDeliveryFailed,
  OutboxMailTransport,
  SmtpMailTransport,
} from '@app/mail';
import { metricsRegistry } from '@app/observability';

/** A self-signed certificate for 127.0.0.1, made for this run (tests only). */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
        ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PASSWORD = 'contract-smtp-secret';
const message = {
  id: 'f3b0c2c4-7d0e-4a5e-9f6a-1c2d3e4f5a6b',
  to: ['security@acme.example'],
  subject: 'Acme Ads: 1 person who left still on Pinterest',
  text: 'Ann Lee <ann.lee@acme.example>\n',
};

interface Seen {
  secure: boolean;
  user: string | undefined;
  rcptTo: string[];
  raw: string;
}

async function server(
  options: Partial<SMTPServerOptions>,
  answer: (raw: string) => Error | null = () => null,
): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const smtp = new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.password === PASSWORD) return cb(null, { user: auth.username });
      return cb(new Error('535 invalid credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        seen.push({
          secure: session.secure,
          user: session.user as string | undefined,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        cb(answer(raw));
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return {
    port: (smtp.server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

const smtpTransport = (port: number, extra: { password?: string; ca?: string } = {}) =>
  new SmtpMailTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    user: 'mailer',
    password: extra.password ?? PASSWORD,
    from: 'governance@acme.example',
    url: `smtp://mailer:***@127.0.0.1:${port}`,
    ca: extra.ca,
    timeouts: { connection: 2000, greeting: 2000, socket: 5000 },
  });

describe('mail transport: SMTP through nodemailer, against a real SMTP server', () => {
  it('given a plain server, when a message is delivered, then it arrives with a Message-ID made from its id', async () => {
    const smtp = await server({ disabledCommands: ['STARTTLS'] });
    const transport = smtpTransport(smtp.port);
    try {
      const delivery = await transport.deliver(message);
      expect(delivery).toMatchObject({
        status: 'sent',
        messageId: `<${message.id}@acme.example>`,
        accepted: ['security@acme.example'],
      });
      expect(smtp.seen).toHaveLength(1);
      expect(smtp.seen[0]).toMatchObject({ user: 'mailer', rcptTo: ['security@acme.example'] });
      expect(smtp.seen[0].raw).toContain(`Message-ID: <${message.id}@acme.example>`);
      expect(smtp.seen[0].raw).toContain(`Subject: ${message.subject}`);
    } finally {
      await transport.close();
      await smtp.close();
    }
  });

  it('given a server that offers STARTTLS, when a message is delivered, then it goes over TLS', async () => {
    const tls = selfSigned();
    const smtp = await server({ key: tls.key, cert: tls.cert });
    const transport = smtpTransport(smtp.port, { ca: tls.cert });
    try {
      await transport.deliver(message);
      expect(smtp.seen.map((s) => s.secure)).toEqual([true]);
    } finally {
      await transport.close();
      await smtp.close();
    }
  });

  it('given a server that answers 451, when delivered, then the failure may pass later', async () => {
    const smtp = await server({ disabledCommands: ['STARTTLS'] }, () =>
      Object.assign(new Error('try again later'), { responseCode: 451 }),
    );
    const transport = smtpTransport(smtp.port);
    try {
      const failure = await transport.deliver(message).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(MailDeliveryFailed);
      expect(failure).toMatchObject({ retryable: true });
    } finally {
      await transport.close();
      await smtp.close();
    }
  });

  it('given a server that answers 550 or refuses the login, when delivered, then it is final and names no password', async () => {
    const smtp = await server({ disabledCommands: ['STARTTLS'] }, () =>
      Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }),
    );
    const refused = smtpTransport(smtp.port);
    const badLogin = smtpTransport(smtp.port, { password: 'wrong-secret-xyz' });
    try {
      const rejected = (await refused.deliver(message).catch((e: unknown) => e)) as Error;
      expect(rejected).toMatchObject({ retryable: false });
      expect(rejected.message).toMatch(/mailbox unavailable/);
      const denied = (await badLogin.deliver(message).catch((e: unknown) => e)) as Error;
      expect(denied).toMatchObject({ retryable: false });
      expect(denied.message).not.toContain('wrong-secret-xyz');
    } finally {
      await refused.close();
      await badLogin.close();
      await smtp.close();
    }
  });

  it('given no server listening, when delivered, then the failure may pass later and names the address', async () => {
    const smtp = await server({});
    const port = smtp.port;
    await smtp.close();
    const transport = smtpTransport(port);
    const failure = (await transport.deliver(message).catch((e: unknown) => e)) as Error;
    expect(failure).toMatchObject({ retryable: true });
    expect(failure.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(failure.message).not.toContain(PASSWORD);
  });

  it('given deliveries that pass, fail for now and fail for good, then smtp_delivery_duration_seconds counts each outcome', async () => {
    const counts = async () => {
      const metric = (await metricsRegistry
        .getSingleMetric('smtp_delivery_duration_seconds')!
        .get()) as {
        values: { metricName?: string; labels: Record<string, unknown>; value: number }[];
      };
      const count = (outcome: string) =>
        metric.values.find(
          (v) =>
            v.metricName === 'smtp_delivery_duration_seconds_count' && v.labels.outcome === outcome,
        )?.value ?? 0;
      return {
        sent: count('sent'),
        transient_failure: count('transient_failure'),
        permanent_failure: count('permanent_failure'),
      };
    };
    const before = await counts();
    const smtp = await server({ disabledCommands: ['STARTTLS'] }, (raw) =>
      raw.includes('Subject: hold')
        ? Object.assign(new Error('451 later'), { responseCode: 451 })
        : null,
    );
    try {
      await smtpTransport(smtp.port).deliver(message);
      await smtpTransport(smtp.port)
        .deliver({ ...message, subject: 'hold' })
        .catch(() => undefined);
      await smtpTransport(smtp.port, { password: 'wrong' })
        .deliver(message)
        .catch(() => undefined);
    } finally {
      await smtp.close();
    }
    const after = await counts();
    expect({
      sent: after.sent - before.sent,
      transient_failure: after.transient_failure - before.transient_failure,
      permanent_failure: after.permanent_failure - before.permanent_failure,
    }).toEqual({ sent: 1, transient_failure: 1, permanent_failure: 1 });
  });
});

describe('mail transport: the outbox folder', () => {
  it('given no mail server, when a message is kept twice, then one RFC 822 file holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    try {
      const outbox = new OutboxMailTransport(join(dir, 'outbox'), 'governance@acme.example');
      const first = await outbox.deliver(message);
      await outbox.deliver(message);
      expect(first).toEqual({ status: 'outbox', path: join(dir, 'outbox', `${message.id}.eml`) });
      expect(readdirSync(join(dir, 'outbox'))).toEqual([`${message.id}.eml`]);
      const raw = readFileSync(join(dir, 'outbox', `${message.id}.eml`), 'utf8');
      expect(raw).toMatch(/^To: security@acme\.example\r?$/m);
      expect(raw).toMatch(/^From: governance@acme\.example\r?$/m);
      expect(raw).toContain(`Message-ID: <${message.id}@acme.example>`);
      expect(raw).toContain('Ann Lee <ann.lee@acme.example>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mail transport: picked by configuration', () => {
  it('given SMTP_URL, then SMTP, described without its password; without it, the outbox under DATA_DIR', async () => {
    const smtp = createMailTransport({
      SMTP_URL: 'smtp://mailer:very-secret-pw@mail.acme.example:2525',
      MAIL_FROM: 'governance@acme.example',
      DATA_DIR: '/tmp/x',
    });
    expect(smtp.kind).toBe('smtp');
    expect(smtp.description).toBe('smtp smtp://mailer:***@mail.acme.example:2525');
    await smtp.close();
    const outbox = createMailTransport({
      MAIL_FROM: 'governance@acme.example',
      DATA_DIR: '/tmp/x',
    });
    expect(outbox.kind).toBe('outbox');
    expect(outbox.description).toBe(`outbox ${join('/tmp/x', 'outbox')}`);
  });
});

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { EventStore } from '@app/eventstore';
import { erasedToken, holdsPerson, maskText } from './masking';
import {
  type ErasedPerson,
  type ErasureScrubber,
  namedByOtherWorkspaces,
  namesIn,
  type ScrubReport,
} from './scrubber';

interface ParsedMessage {
  headers: Map<string, string>;
  text: string;
}

/**
 * The messages kept in the outbox folder (no SMTP_URL: DATA_DIR/outbox/<id>.eml), whose
 * texts name leavers and whose recipients are people. A message that holds the erased person
 * (decoded: subject and body are often quoted-printable or encoded words, so a byte search
 * would miss them) is written again under the same name and Message-ID with the person
 * masked, and a recipient who is the person replaced by an address that goes nowhere. The
 * notification's read-model row is the core's: it is rebuilt from the log. A file is named by
 * its notification's id: those another workspace queued are left as they are.
 */
export class OutboxScrubber implements ErasureScrubber {
  constructor(
    private readonly dir: string,
    private readonly events: EventStore,
  ) {}

  async scrub(person: ErasedPerson): Promise<ScrubReport> {
    const names = await namesIn(this.dir);
    if (names.length === 0) return { copy: 'outbox', removed: 0 };
    const foreign = await namedByOtherWorkspaces(
      this.events,
      { categories: ['notification'], eventTypes: ['NotificationQueued'] },
      person.workspaceId,
      (e) => [(e.data as { notificationId: string }).notificationId],
    );
    let removed = 0;
    for (const name of names) {
      const file = join(this.dir, name);
      if (foreign.has(name.replace(/\.eml(\.tmp)?$/, ''))) continue;
      if (name.endsWith('.tmp')) {
        // A delivery that stopped before its rename holding the person: never read by anyone.
        const text = await fs.readFile(file, 'utf8').catch(() => '');
        if (holdsPerson(text, person) || holdsPerson(parseMessage(text).text, person)) {
          await fs.rm(file, { force: true });
          removed += 1;
        }
        continue;
      }
      if (!name.endsWith('.eml')) continue;
      const raw = await fs.readFile(file, 'utf8');
      const message = parseMessage(raw);
      const header = (h: string): string => message.headers.get(h) ?? '';
      const decoded = [header('to'), header('cc'), header('subject'), message.text].join('\n');
      // Already masked (a second run) when neither spelling is left.
      if (!holdsPerson(decoded, person) && !holdsPerson(raw, person)) continue;
      const to = header('to')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a.length > 0)
        .map((a) =>
          holdsPerson(a, person) ? `${erasedToken(person.personId)}@erased.invalid` : a,
        );
      const rebuilt = await new MailComposer({
        from: header('from'),
        to,
        subject: maskText(header('subject'), person),
        text: maskText(message.text, person),
        messageId: header('message-id'),
        date: header('date') ? new Date(header('date')) : undefined,
      })
        .compile()
        .build();
      await fs.writeFile(`${file}.tmp`, rebuilt, { mode: 0o600 });
      await fs.rename(`${file}.tmp`, file);
      removed += 1;
    }
    return { copy: 'outbox', removed };
  }
}

/** A single-part RFC 822 message as MailComposer writes it: headers, then the decoded text. */
export function parseMessage(raw: string): ParsedMessage {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0)
      headers.set(line.slice(0, at).trim().toLowerCase(), decodeWords(line.slice(at + 1).trim()));
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let text: string;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
  else if (encoding === 'base64')
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else text = body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const unfolded = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i++) {
    const c = unfolded[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(unfolded.slice(i + 1, i + 3))) {
      bytes.push(parseInt(unfolded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?utf-8?Q?…?=`, `=?utf-8?B?…?=`), as in subjects and names. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
      (_m, _charset: string, kind: string, text: string) =>
        kind.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, type NewEvent } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { EVIDENCE_ERASED_MARKER, EvidenceScrubber } from './evidence.scrubber';
import { OutboxScrubber } from './outbox.scrubber';
import type { ErasedPerson } from './scrubber';

const event = (workspaceId: string, type: string, data: unknown): NewEvent => ({
  type,
  data,
  metadata: {
    workspaceId,
    actor: 'system',
    correlationId: `c-${workspaceId}`,
    causationId: null,
    occurredAt: '2026-12-06T10:00:00.000Z',
    schemaVersion: 1,
  },
});

/** Bob of workspace w1; the same email in w2 is another person, whom this erasure must not reach. */
const bobOfW1: ErasedPerson = {
  workspaceId: 'w1',
  personId: 'p-bob-w1',
  email: 'bob@acme.example',
  names: ['Bob Stone'],
};

describe('scrubbers touch only the erased person’s workspace (real files, real log)', () => {
  let dir: string;
  let events: EventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scrub-scope-'));
    events = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }));
  });
  afterEach(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("given evidence naming Bob in a task of w1 and in a task of w2, when w1's Bob is erased, then only w1's folder is emptied", async () => {
    const evidence = join(dir, 'evidence');
    const folderOf = (ws: string): string => join(evidence, `20261206-remove-${ws}`);
    for (const ws of ['w1', 'w2']) {
      mkdirSync(folderOf(ws), { recursive: true });
      writeFileSync(join(folderOf(ws), 'page.html'), '<td>Bob Stone</td><td>bob@acme.example</td>');
      await events.appendToStream(`automationTask-t-${ws}`, [
        event(ws, 'AutomationTaskNotCompleted', {
          taskId: `t-${ws}`,
          failure: { evidence: [join(folderOf(ws), 'page.html')] },
        }),
      ]);
    }

    const report = await new EvidenceScrubber(evidence, events).scrub(bobOfW1);

    expect(report).toEqual({ copy: 'evidence', removed: 1 });
    expect(existsSync(join(folderOf('w1'), 'page.html'))).toBe(false);
    expect(existsSync(join(folderOf('w1'), EVIDENCE_ERASED_MARKER))).toBe(true);
    expect(readFileSync(join(folderOf('w2'), 'page.html'), 'utf8')).toContain('bob@acme.example');
    expect(existsSync(join(folderOf('w2'), EVIDENCE_ERASED_MARKER))).toBe(false);
  });

  it("given outbox messages about Bob queued by w1 and by w2, when w1's Bob is erased, then only w1's message is masked", async () => {
    const outbox = join(dir, 'outbox');
    mkdirSync(outbox, { recursive: true });
    const message = 'To: bob@acme.example\r\nSubject: Leaver\r\n\r\nBob Stone left.\r\n';
    for (const ws of ['w1', 'w2']) {
      writeFileSync(join(outbox, `n-${ws}.eml`), message);
      await events.appendToStream(`notification-n-${ws}`, [
        event(ws, 'NotificationQueued', { notificationId: `n-${ws}`, workspaceId: ws }),
      ]);
    }

    const report = await new OutboxScrubber(outbox, events).scrub(bobOfW1);

    expect(report).toEqual({ copy: 'outbox', removed: 1 });
    expect(readFileSync(join(outbox, 'n-w1.eml'), 'utf8')).not.toMatch(/bob@acme|bob stone/i);
    expect(readFileSync(join(outbox, 'n-w2.eml'), 'utf8')).toBe(message);
  });
});

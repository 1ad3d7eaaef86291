import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import { UnitOfWork } from '@app/projections';
import { SqliteReadModelStore } from '@app/readmodels/sqlite';
import {
  DEPROVISION_REPORT,
  DEPROVISION_REPORT_META,
  type DeprovisionReportItem,
  type DeprovisionReportMeta,
  deprovisionReportProjection as projection,
} from './deprovision-report.projection';

const I = 'i1';
const ref = { memberId: 'm1', integrationId: I };
let position = 0;
let clock = Date.parse('2026-12-06T10:00:00.000Z');

function recorded(event: DomainEvent, stream: string, secondsLater = 10): RecordedEvent {
  position += 1;
  clock += secondsLater * 1000;
  return {
    id: `e${position}`,
    stream,
    revision: position,
    position: String(position),
    type: event.type,
    data: event.data,
    metadata: {
      workspaceId: 'w1',
      actor: 'test',
      correlationId: 'c',
      causationId: null,
      occurredAt: new Date(clock).toISOString(),
      schemaVersion: 1,
    },
    recordedAt: new Date(clock).toISOString(),
  } as RecordedEvent;
}

const member = (type: string, data: Record<string, unknown> = {}) =>
  recorded({ type, data: { ...ref, ...data } }, 'member-m1');
const integration = (type: string, data: Record<string, unknown>) =>
  recorded({ type, data: { integrationId: I, ...data } }, `integration-${I}`);

const discovered = () =>
  member('MemberDiscovered', {
    pinterestUserId: 'p1',
    personal: { name: 'Ann', email: 'ann@x.example' },
    businessRole: 'employee',
    assets: { a1: ['ADMIN'] },
  });
const left = () =>
  member('MemberBecameLeaver', {
    identityId: 'id1',
    leftAt: new Date(clock).toISOString(),
    reason: 'deactivated',
  });
const removed = (outcome = 'removed') =>
  member('MemberRemoved', {
    taskId: 't1',
    businessRole: 'employee',
    revokedAssets: { a1: ['ADMIN'] },
    outcome,
    ...(outcome === 'already_absent' ? { afterInterruptedAttempt: false } : {}),
  });

describe('deprovision report projection', () => {
  let dir: string;
  let store: SqliteReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-'));
    store = new SqliteReadModelStore({ file: join(dir, 'rm.sqlite') });
    for (const spec of projection.collections) await store.ensureCollection(spec);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function given(...events: RecordedEvent[]): Promise<void> {
    const owned = new Set(projection.collections.map((c) => c.name));
    for (const event of events) {
      await store.transaction(async (tx) => {
        const unit = new UnitOfWork(tx, owned);
        await projection.handle(event, unit);
        await unit.flush();
      });
    }
  }
  const item = () =>
    store
      .collection<DeprovisionReportItem>(DEPROVISION_REPORT)
      .get('m1') as Promise<DeprovisionReportItem>;
  const meta = () =>
    store
      .collection<DeprovisionReportMeta>(DEPROVISION_REPORT_META)
      .get(I) as Promise<DeprovisionReportMeta>;

  it('given a leaver removed by us, when a check requested after the removal completes, then verified with verifiedRemovalSec = verifiedAt − leftAt', async () => {
    await given(
      discovered(),
      left(),
      member('MemberRemovalRequested', { taskId: 't1' }),
      removed(),
      integration('CheckForUpdatesRequested', {
        taskId: 'c1',
        trigger: 'deprovision_verification',
      }),
      integration('CheckForUpdatesFinished', { taskId: 'c1', result: 'completed' }),
    );
    const doc = await item();
    expect(doc.status).toBe('verified');
    expect(doc.verifiedRemovalSec).toBe(
      (Date.parse(doc.verifiedAt ?? '') - Date.parse(doc.leftAt)) / 1000,
    );
    expect(doc.access.assets).toEqual([
      { assetId: 'a1', assetName: null, assetType: null, permissions: ['ADMIN'] },
    ]);
    expect((await meta()).counts).toMatchObject({ verified: 1, removed: 0, pending: 0 });
    expect((await meta()).verifiedRemovalSecs).toEqual([doc.verifiedRemovalSec]);
  });

  it('given a check that did not complete (a partial snapshot), when it finishes, then it proves nothing', async () => {
    await given(
      discovered(),
      left(),
      member('MemberRemovalRequested', { taskId: 't1' }),
      removed(),
      integration('CheckForUpdatesRequested', { taskId: 'c1', trigger: 'web_app' }),
      integration('CheckForUpdatesFinished', {
        taskId: 'c1',
        result: 'not_completed',
        failure: { kind: 'partial_snapshot', message: 'rows missing' },
      }),
    );
    expect((await item()).status).toBe('removed');
  });

  it('given a check requested before the removal ended, when it completes, then it proves nothing: it may have read the person', async () => {
    await given(
      discovered(),
      left(),
      member('MemberRemovalRequested', { taskId: 't1' }),
      integration('CheckForUpdatesRequested', { taskId: 'c1', trigger: 'web_app' }),
      removed(),
      integration('CheckForUpdatesFinished', { taskId: 'c1', result: 'completed' }),
    );
    expect((await item()).status).toBe('removed');
  });

  it('given a leaver gone without us (removed by hand), then absent, and verified by a later complete check', async () => {
    await given(
      discovered(),
      left(),
      member('MemberLeftBusiness', { businessRole: 'employee', revokedAssets: {} }),
    );
    expect((await item()).status).toBe('absent');
    await given(
      integration('CheckForUpdatesRequested', { taskId: 'c2', trigger: 'web_app' }),
      integration('CheckForUpdatesFinished', { taskId: 'c2', result: 'completed' }),
    );
    expect((await item()).status).toBe('verified');
  });

  it('given a removal the saga found already done on a first attempt, then absent, not removed by us', async () => {
    await given(
      discovered(),
      left(),
      member('MemberRemovalRequested', { taskId: 't1' }),
      removed('already_absent'),
    );
    expect((await item()).status).toBe('absent');
  });

  it('given a failed removal, then failed with the error; the counts follow every move', async () => {
    await given(
      discovered(),
      left(),
      member('MemberRemovalRequested', { taskId: 't1' }),
      member('MemberRemovalFailed', {
        taskId: 't1',
        attempts: 5,
        failure: { kind: 'transient', message: 'timed out', evidence: ['/e/1.png'] },
      }),
    );
    const doc = await item();
    expect(doc).toMatchObject({
      status: 'failed',
      lastError: { kind: 'transient', message: 'timed out', evidence: ['/e/1.png'] },
    });
    expect((await meta()).counts).toMatchObject({ pending: 0, removing: 0, failed: 1 });
  });

  it('given a leaver whose access changes before removal, then the item shows what they hold now', async () => {
    await given(
      discovered(),
      left(),
      member('MemberAssetPermissionsChanged', { assetId: 'a2', from: [], to: ['ANALYST'] }),
    );
    expect((await item()).access.assets.map((a) => a.assetId)).toEqual(['a1', 'a2']);
  });
});

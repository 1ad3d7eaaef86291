import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { memberDecider, memberStream } from '@app/domain';
import { CommandExecutor } from '@app/infrastructure';
import type { LogEntry } from '@app/simulator';
import {
  eventually,
  finishedTask,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from '../governance/fixture';

interface Item {
  memberId: string;
  name: string;
  email: string;
  identityId: string;
  leftAt: string;
  reason: string;
  access: {
    businessRole: string;
    assets: { assetId: string; assetName: string; assetType: string; permissions: string[] }[];
  };
  status: string;
  blockedReason: string | null;
  removalTaskId: string | null;
  removedAt: string | null;
  verifiedAt: string | null;
  verifiedRemovalSec: number | null;
  lastError: unknown;
}
interface Report {
  items: Item[];
  nextCursor: string | null;
  counts: Record<string, number | null>;
  safeguard: {
    members: number;
    leaversPending: number;
    percent: number;
    thresholdPercent: number;
    exceeded: boolean;
  };
  announcement: unknown;
}
interface Task {
  id: string;
  status: string;
  trigger: string;
}
interface Member {
  id: string;
  email: string;
  tab: string;
  leaver: boolean;
  leftAt: string | null;
}
interface ApplyAnswer {
  applyId: string;
  taskIds: string[];
  members: { memberId: string }[];
  skipped: { memberId: string; reason: string }[];
}

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ROOT = join(__dirname, '../..');

/** `npm run cli -- …` on the service's data directory: exit code and output. */
async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', join(ROOT, 'tools/register.js'), join(ROOT, 'apps/cli/src/main.ts'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', MONGO_URL: '' },
        timeout: 120_000,
      },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('leavers and the deprovision report, end to end (simulator in Chromium)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  const identity: Record<string, string> = {};
  const member: Record<string, string> = {};

  const report = async (query = '') =>
    (
      await svc.api<Report>(
        'GET',
        `/api/integrations/${integrationId}/deprovision-report${query ? `?${query}` : ''}`,
      )
    ).body;
  const itemOf = async (key: string) =>
    (await report()).items.find((i) => i.memberId === member[key]) ?? null;
  const until = (key: string, status: string, timeoutMs = 60_000) =>
    eventually(
      () => itemOf(key),
      (i) => i?.status === status,
      timeoutMs,
    ) as Promise<Item>;
  const apply = (body: Record<string, unknown>) =>
    svc.api<ApplyAnswer & { message: string; details: Record<string, unknown> }>(
      'POST',
      `/api/integrations/${integrationId}/deprovision-report/apply`,
      body,
    );
  const active = (key: string, value: boolean) =>
    svc.scim('PATCH', `/Users/${identity[key]}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'active', value }],
    });
  const removals = async (memberPinterestId: string) =>
    (
      (await (
        await fetch(`${svc.simulator.url}/__sim/log?businessId=${BUSINESS_ID}`)
      ).json()) as LogEntry[]
    ).filter((e) => e.action === 'remove_member' && e.target === memberPinterestId);
  const finished = (taskId: string) => finishedTask<Task>(svc, taskId, 60_000);

  beforeAll(async () => {
    const business = trickyBusiness();
    svc = await startService(
      fixtureOf({
        ...business,
        members: [
          ...business.members,
          { id: '1006', name: 'Fay Stale', email: 'fay@acme.example', role: 'EMPLOYEE' },
        ],
      }),
    );
    for (const [key, email] of [
      ['ann', 'ann.lee@acme.example'],
      ['bob', 'bob@acme.example'],
      ['carol', 'carol@acme.example'],
      ['eve', 'eve@acme.example'],
      ['robot', AUTOMATION.email],
    ]) {
      const res = await svc.scim<{ id: string }>('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        emails: [{ value: email, primary: true }],
        active: true,
      });
      expect(res.status).toBe(201);
      identity[key] = res.body.id;
    }
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'robot', ...AUTOMATION },
    });
    integrationId = connected.body.id;
    const queued = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect((await finished(queued.body.taskId)).status).toBe('completed');
    const page = await svc.api<{ items: Member[] }>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=onboarded`,
    );
    for (const m of page.body.items) {
      const key = Object.entries({
        ann: 'ann.lee@acme.example',
        bob: 'bob@acme.example',
        carol: 'carol@acme.example',
        eve: 'eve@acme.example',
        robot: AUTOMATION.email,
      }).find(([, email]) => email === m.email.toLowerCase())?.[0];
      if (key) member[key] = m.id;
    }
    expect(Object.keys(member).sort()).toEqual(['ann', 'bob', 'carol', 'eve', 'robot']);
  }, 120_000);

  afterAll(() => svc?.close());

  it('given Ann onboarded, when the IdP deactivates her, then a pending report item lists the access she holds and she is flagged on the Onboarded tab', async () => {
    const before = await svc.head();
    expect((await active('ann', false)).status).toBe(200);
    const item = await until('ann', 'pending');
    expect(item).toMatchObject({
      name: 'Ann Lee',
      identityId: identity.ann,
      reason: 'deactivated',
      access: {
        businessRole: 'employee',
        assets: [
          {
            assetId: '5001',
            assetName: 'Acme US',
            assetType: 'AD_ACCOUNT',
            permissions: ['ADMIN', 'ANALYST'],
          },
        ],
      },
      removalTaskId: null,
      verifiedAt: null,
    });
    const [deprovisioned] = await svc.events({ eventTypes: ['IdentityDeprovisioned'] }, before);
    const [leaver] = await svc.events({ eventTypes: ['MemberBecameLeaver'] }, before);
    expect(leaver.stream).toBe(`member-${member.ann}`);
    expect(leaver.metadata).toMatchObject({
      actor: deprovisioned.metadata.actor,
      causationId: deprovisioned.id,
      correlationId: deprovisioned.metadata.correlationId,
    });
    expect(item.leftAt).toBe(deprovisioned.metadata.occurredAt);
    const view = (
      await svc.api<Member>('GET', `/api/integrations/${integrationId}/members/${member.ann}`)
    ).body;
    expect(view).toMatchObject({ tab: 'onboarded', leaver: true, leftAt: item.leftAt });
  });

  it('given the pending item, when a dry run is asked, then it says what would be removed with the safeguard figures and appends nothing', async () => {
    const before = await svc.head();
    const res = await svc.api<{
      dryRun: boolean;
      members: Item[];
      safeguard: Report['safeguard'];
    }>('POST', `/api/integrations/${integrationId}/deprovision-report/apply`, { dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.members.map((m) => m.memberId)).toEqual([member.ann]);
    expect(res.body.safeguard).toEqual({
      members: 7,
      leaversPending: 1,
      percent: 14.3,
      thresholdPercent: 20,
      exceeded: false,
    });
    expect(await svc.head()).toBe(before);
  });

  it('given the report, when applied, then Ann is removed on Pinterest once, and the check that runs by itself verifies it with verifiedRemovalSec', async () => {
    const res = await apply({});
    expect(res.status).toBe(202);
    expect(res.body.members.map((m) => m.memberId)).toEqual([member.ann]);
    expect(res.body.taskIds).toHaveLength(1);
    expect((await finished(res.body.taskIds[0])).status).toBe('completed');
    expect(await removals('1001')).toHaveLength(1);
    const verified = await until('ann', 'verified');
    expect(verified.removalTaskId).toBe(res.body.taskIds[0]);
    expect(verified.removedAt).not.toBeNull();
    expect(verified.verifiedRemovalSec).toBe(
      Math.round((Date.parse(verified.verifiedAt ?? '') - Date.parse(verified.leftAt)) / 1000),
    );
    // Off the Onboarded tab once removed; the access she held stays on the item.
    const gone = (
      await svc.api<Member>('GET', `/api/integrations/${integrationId}/members/${member.ann}`)
    ).body;
    expect(gone).toMatchObject({ tab: 'gone', leaver: false });
    expect(verified.access.assets.map((a) => a.assetId)).toEqual(['5001']);
    const checks = await svc.api<{ items: Task[] }>(
      'GET',
      `/api/automation-tasks?integrationId=${integrationId}`,
    );
    const verification = checks.body.items.filter((t) => t.trigger === 'deprovision_verification');
    expect(verification).toHaveLength(1);
    expect(verification[0].status).toBe('completed');
    const counts = (await report()).counts;
    expect(counts).toMatchObject({ pending: 0, verified: 1 });
    expect(counts.medianVerifiedRemovalSec).toBe(verified.verifiedRemovalSec);
    expect(counts.maxVerifiedRemovalSec).toBe(verified.verifiedRemovalSec);
    const [applied] = await svc.events({ eventTypes: ['DeprovisionReportApplied'] });
    expect(applied.stream).toBe(`deprovisionReport-${integrationId}`);
    expect(applied.data).toMatchObject({
      applyId: res.body.applyId,
      memberIds: [member.ann],
      taskIds: res.body.taskIds,
      confirmMassRemoval: false,
    });
  }, 120_000);

  it('given Bob deactivated, when reactivated before any apply, then his item is reinstated, nothing is removed and the flag goes', async () => {
    await active('bob', false);
    await until('bob', 'pending');
    await active('bob', true);
    await until('bob', 'reinstated');
    const view = (
      await svc.api<Member>('GET', `/api/integrations/${integrationId}/members/${member.bob}`)
    ).body;
    expect(view).toMatchObject({ tab: 'onboarded', leaver: false, leftAt: null });
    expect(await removals('1002')).toHaveLength(0);
    const dry = await svc.api<{ members: Item[] }>(
      'POST',
      `/api/integrations/${integrationId}/deprovision-report/apply`,
      { dryRun: true },
    );
    expect(dry.body.members).toEqual([]);
  });

  it('given memberIds that are not pending or failed leavers of this report, when applied, then 400 naming each, and nothing appended', async () => {
    await active('robot', false);
    const blocked = await until('robot', 'blocked');
    expect(blocked.blockedReason).toBe('automation_account');
    const stranger = '00000000-0000-4000-8000-000000000000';
    const before = await svc.head();
    const res = await apply({ memberIds: [stranger, member.bob, member.robot] });
    expect(res.status).toBe(400);
    expect(res.body.details).toMatchObject({
      field: 'memberIds',
      memberIds: [
        { memberId: stranger, problem: expect.stringContaining('not a leaver') },
        { memberId: member.bob, problem: expect.stringContaining('reinstated') },
        { memberId: member.robot, problem: expect.stringContaining('blocked') },
      ],
    });
    expect(await svc.head()).toBe(before);
  });

  it('given leavers over 20 % of the members, when applied, then 409 with the safeguard and nothing appended; confirmed, they are removed and the automation account is skipped', async () => {
    await active('carol', false);
    await active('eve', false);
    await until('carol', 'pending');
    await until('eve', 'pending');
    const before = await svc.head();
    const refused = await apply({});
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual({
      safeguard: {
        members: 6,
        leaversPending: 2,
        percent: 33.3,
        thresholdPercent: 20,
        exceeded: true,
      },
    });
    expect(await svc.head()).toBe(before);

    const res = await apply({ confirmMassRemoval: true });
    expect(res.status).toBe(202);
    expect(res.body.members.map((m) => m.memberId).sort()).toEqual(
      [member.carol, member.eve].sort(),
    );
    expect(res.body.skipped).toEqual([
      expect.objectContaining({ memberId: member.robot, reason: 'automation_account' }),
    ]);
    for (const taskId of res.body.taskIds)
      expect((await finished(taskId)).status).toBe('completed');
    await until('carol', 'verified');
    await until('eve', 'verified');
    expect(await removals('1003')).toHaveLength(1);
    expect(await removals('1005')).toHaveLength(1);
    expect(await removals('1000')).toHaveLength(0);
    const applied = await svc.events({ eventTypes: ['DeprovisionReportApplied'] }, before);
    expect(applied).toHaveLength(1);
    expect(applied[0].data).toMatchObject({
      confirmMassRemoval: true,
      appliedBy: expect.any(String),
    });
    expect(applied[0].metadata.actor).toBe((applied[0].data as { appliedBy: string }).appliedBy);
    const pending = await report('status=blocked');
    expect(pending.items.map((i) => i.memberId)).toEqual([member.robot]);
    expect(pending.counts).toMatchObject({ verified: 3, blocked: 1, reinstated: 1 });
  }, 180_000);

  it('given Dan matched to an identity, when the IdP deletes the identity, then Dan is a pending leaver with reason deleted', async () => {
    const created = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'dan@agency.example',
      emails: [{ value: 'dan@agency.example', primary: true }],
      active: true,
    });
    expect(created.status).toBe(201);
    const dan = await eventually(
      async () =>
        (
          await svc.api<{ items: Member[] }>(
            'GET',
            `/api/integrations/${integrationId}/members?tab=onboarded&search=dan`,
          )
        ).body.items,
      (items) => items.length === 1,
    );
    member.dan = dan[0].id;
    expect((await svc.scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    const item = await until('dan', 'pending');
    expect(item).toMatchObject({ reason: 'deleted', identityId: created.body.id });
  });

  it('given a match decided on a directory read from before the identity was deactivated, when recorded, then the member is a leaver from the deactivation', async () => {
    const stale = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'fay.old@corp.example',
      emails: [{ value: 'fay.old@corp.example', primary: true }],
      active: true,
    });
    identity.fay = stale.body.id;
    const before = await svc.head();
    await active('fay', false);
    const [deactivated] = await svc.events({ eventTypes: ['IdentityDeprovisioned'] }, before);
    const fay = await eventually(
      async () =>
        (
          await svc.api<{ items: Member[] }>(
            'GET',
            `/api/integrations/${integrationId}/members?tab=unmatched&search=fay`,
          )
        ).body.items,
      (items) => items.length === 1,
    );
    member.fay = fay[0].id;
    // The identity as an admin's page showed it a moment before the IdP deactivated it.
    await svc.app.get(CommandExecutor).execute(
      memberStream(member.fay),
      memberDecider,
      {
        type: 'MatchMember',
        identityId: identity.fay,
        role: 'collaborator',
        identity: { active: true, email: null },
        alreadyOnBusiness: true,
        taskId: '00000000-0000-4000-8000-000000000001',
      },
      { workspaceId: deactivated.metadata.workspaceId, actor: 'admin' },
    );
    const item = await until('fay', 'pending');
    expect(item).toMatchObject({
      identityId: identity.fay,
      leftAt: deactivated.metadata.occurredAt,
      reason: 'deactivated',
    });
    const [leaver] = await svc.events({ eventTypes: ['MemberBecameLeaver'] }, before);
    expect(leaver.metadata.actor).toBe(deactivated.metadata.actor);
  });

  it('given Pinterest failing every attempt, when applied, then failed with the error kind and evidence; a later apply of the failed item removes it', async () => {
    const faults = (body: Record<string, unknown>) =>
      fetch(`${svc.simulator.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await faults({ failNext: 200, failStatus: 503 });
    const first = await apply({ memberIds: [member.dan], confirmMassRemoval: true });
    expect(first.status).toBe(202);
    expect((await finished(first.body.taskIds[0])).status).toBe('not_completed');
    const failed = await until('dan', 'failed');
    await faults({ failNext: 0 });
    expect(failed.lastError).toMatchObject({ kind: expect.any(String) });
    expect((failed.lastError as { evidence: string[] }).evidence.length).toBeGreaterThan(0);
    expect(await removals('1004')).toHaveLength(0);

    const again = await apply({ memberIds: [member.dan], confirmMassRemoval: true });
    expect(again.status).toBe(202);
    expect((await finished(again.body.taskIds[0])).status).toBe('completed');
    await until('dan', 'verified');
    expect(await removals('1004')).toHaveLength(1);
  }, 120_000);

  it('given the report now, when exported as deprovision_report, then the rows are the report’s, recomputed from the log; re-requested at that position after more events, byte for byte the same', async () => {
    interface Meta {
      id: string;
      position: string;
      sha256: string;
      bytes: number;
    }
    const exportAt = async (position?: string, format = 'ndjson') => {
      const res = await svc.api<Meta>('POST', '/api/exports', {
        kind: 'deprovision_report',
        params: { integrationId },
        format,
        ...(position ? { position } : {}),
      });
      expect(res.status).toBe(201);
      const content = await fetch(`${svc.url}/api/exports/${res.body.id}/content`, {
        headers: { authorization: 'Bearer test-admin-key-0123456789' },
      });
      expect(content.status).toBe(200);
      return { meta: res.body, bytes: Buffer.from(await content.arrayBuffer()) };
    };
    const rowsOf = (bytes: Buffer) =>
      bytes
        .toString('utf8')
        .split('\n')
        .slice(1, -1)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    /** REST's items in the export's columns (assets in id order, access flattened). */
    const restRows = async () =>
      (await report('limit=500')).items
        .map((i) => ({
          memberId: i.memberId,
          name: i.name,
          email: i.email,
          identityId: i.identityId,
          leftAt: i.leftAt,
          reason: i.reason,
          status: i.status,
          blockedReason: i.blockedReason,
          businessRole: i.access.businessRole,
          assets: [...i.access.assets].sort((a, b) => (a.assetId < b.assetId ? -1 : 1)),
          applyId: (i as unknown as { applyId: string | null }).applyId,
          removalTaskId: i.removalTaskId,
          removedAt: i.removedAt,
          verifiedAt: i.verifiedAt,
          verifiedRemovalSec: i.verifiedRemovalSec,
          lastError: i.lastError,
          announcedAt: (i as unknown as { announcedAt: string | null }).announcedAt,
        }))
        .sort((a, b) =>
          a.leftAt < b.leftAt ? -1 : a.leftAt > b.leftAt ? 1 : a.memberId < b.memberId ? -1 : 1,
        );

    // given the report at the head (the live read model caught up with the export's position)
    const { first, live } = await eventually(
      async () => ({ first: await exportAt(), live: await restRows() }),
      ({ first: f, live: l }) => isDeepStrictEqual(rowsOf(f.bytes), l),
      30_000,
    );
    // then every leaver is there with the status the live report gives, recomputed from the log
    expect(rowsOf(first.bytes)).toEqual(live);
    const statuses = Object.fromEntries(
      live.map((r) => [Object.entries(member).find(([, id]) => id === r.memberId)?.[0], r.status]),
    );
    expect(statuses).toMatchObject({
      ann: 'verified',
      bob: 'reinstated',
      dan: 'verified',
      robot: 'blocked',
    });

    // when more events are appended: Bob, reinstated, leaves again
    expect((await active('bob', false)).status).toBe(200);
    await until('bob', 'pending');

    // then the export at the first position is byte for byte the same, in both formats
    const again = await exportAt(first.meta.position);
    expect(again.meta.sha256).toBe(first.meta.sha256);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    const csv = await exportAt(first.meta.position, 'csv');
    expect((await exportAt(first.meta.position, 'csv')).bytes.equals(csv.bytes)).toBe(true);
    expect(csv.bytes.toString('utf8').split('\n')[1]).toBe(
      '"memberId","name","email","identityId","leftAt","reason","status","blockedReason","businessRole","assets","applyId","removalTaskId","removedAt","verifiedAt","verifiedRemovalSec","lastError","announcedAt"',
    );
    expect(rowsOf(again.bytes).find((r) => r.memberId === member.bob)?.status).toBe('reinstated');
    // and `exports verify` recomputes the CSV from the log, and refuses it with one byte flipped
    const file = join(svc.dataDir, 'report.csv');
    writeFileSync(file, csv.bytes);
    expect(await cli(svc.dataDir, 'exports', 'verify', file)).toEqual({
      code: 0,
      out: expect.stringContaining('verified'),
    });
    const flipped = Buffer.from(csv.bytes);
    const at = flipped.indexOf('"verified"') + 1; // a status cell, not the column names
    flipped[at] = flipped[at] ^ 0x01;
    writeFileSync(file, flipped);
    expect((await cli(svc.dataDir, 'exports', 'verify', file)).code).toBe(1);
    // and an export at the head now shows Bob pending, with what he holds, as the live report does
    const now = await exportAt();
    expect(now.meta.position).not.toBe(first.meta.position);
    const bob = (await report('limit=500')).items.find((i) => i.memberId === member.bob)!;
    expect(rowsOf(now.bytes).find((r) => r.memberId === member.bob)).toMatchObject({
      status: 'pending',
      leftAt: bob.leftAt,
      assets: bob.access.assets,
    });
  }, 120_000);
});

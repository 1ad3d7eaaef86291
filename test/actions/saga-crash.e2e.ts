import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GENERATED_MANAGER,
  generateBusiness,
  type LogEntry,
  type RunningSimulator,
  startSimulator,
} from '@app/simulator';
import {
  cliEvents,
  eventually,
  getJson,
  type HttpAnswer,
  type LoggedEvent,
  ServiceProcess,
  type ServiceOptions,
  sleep,
} from './service-process';

/**
 * kill -9 at any moment during a removal, an invite or a role change, then a restart: the
 * action completes, the simulator's log shows it applied exactly once, and the events say so.
 *
 * The simulator lives in this process, so it survives the crashes; the service is a child
 * process (`npm start`) on one data directory. Each of ten rounds asks for one action of each
 * kind, SIGKILLs the service 0–1500 ms after the last answer, starts it again (that start
 * serves the next round) and waits for the three tasks: every kind gets ten crashes for the
 * price of ten restarts. Then, for each kind alone, one round kills the service as soon as the
 * action is accepted (before the saga can reach Pinterest) and one kills it the moment the
 * simulator shows the change, before the service can have recorded it: the window where a
 * replay could apply a change twice.
 */

const ROUNDS = 10;
const KILL_WINDOW_MS = 1500;
const BUSINESS_ID = '900000000000005150';
const KINDS = ['removal', 'invite', 'role'] as const;
type Kind = (typeof KINDS)[number];

interface Member {
  id: string;
  pinterestUserId: string;
  email: string;
  businessRole: 'employee' | 'manager';
  status: string;
  tab: string;
  assets: { assetId: string; permissions: string[] }[];
  matchedIdentity: { identityId: string; how: string } | null;
  pendingAction: { kind: string; taskId: string } | null;
  invite: { email: string; status: string; taskId: string | null } | null;
  removal: { taskId: string; outcome: string } | null;
}
interface Task {
  id: string;
  kind: string;
  status: string;
  summary: { outcome?: string } | null;
}
interface ActionAnswer {
  taskId: string | null;
  member: Member;
}
interface Page<T> {
  items: T[];
}

/** One action of one round, and what the crash found. */
interface Action {
  kind: Kind;
  round: number;
  /** A random moment after the answers, right at the answer, or when the simulator shows the change. */
  kill: 'random' | 'on-answer' | 'on-change';
  member: Member;
  /** The invited email (invites only). */
  email: string;
  identityId: string;
  taskId: string;
  killAfterMs: number;
  /** When the killed process was gone: whatever it recorded is older. */
  killedAt: number;
  /** Whether Pinterest already showed the change when the service was killed. */
  appliedAtKill: boolean;
  task: Task | null;
}

/** How each kind is asked for, and how it shows in the simulator's log. */
const SHAPE: Record<
  Kind,
  { logAction: LogEntry['action']; taskKind: string; target(a: Action): string }
> = {
  removal: {
    logAction: 'remove_member',
    taskKind: 'removing_users',
    target: (a) => a.member.pinterestUserId,
  },
  invite: { logAction: 'invite', taskKind: 'adding_users', target: (a) => a.email },
  role: {
    logAction: 'change_role',
    taskKind: 'updating_user_roles',
    target: (a) => a.member.pinterestUserId,
  },
};

/** Kill moments spread over the whole window: round r falls in its own slice, at random within it. */
const killDelay = (round: number): number =>
  Math.floor(((round + Math.random()) / ROUNDS) * KILL_WINDOW_MS);

const scimUser = (email: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: email,
  name: { givenName: 'New', familyName: 'Hire' },
  emails: [{ value: email, primary: true }],
  active: true,
});

const eventsOf = (events: LoggedEvent[], memberId: string, type: string): LoggedEvent[] =>
  events.filter((e) => e.stream === `member-${memberId}` && e.type === type);

describe('member actions survive kill -9 (service in a child process, simulator in Chromium)', () => {
  const business = generateBusiness({
    businessId: BUSINESS_ID,
    name: 'Crash Test Co',
    members: 44,
    adAccounts: 2,
    profiles: 1,
    catalogs: 1,
    grantsPerMember: 1,
    partners: 0,
    invites: 0,
    seed: 5150,
  });
  let simulator: RunningSimulator;
  let dataDir: string;
  let options: ServiceOptions;
  let svc: ServiceProcess | undefined;
  let integrationId: string;
  const actions: Action[] = [];
  const restartsMs: number[] = [];

  const service = (): ServiceProcess => {
    if (!svc) throw new Error('the service is not running');
    return svc;
  };
  const simLog = (): Promise<LogEntry[]> =>
    getJson<LogEntry[]>(`${simulator.url}/__sim/log?businessId=${BUSINESS_ID}`);
  const memberPath = (memberId: string): string =>
    `/api/integrations/${integrationId}/members/${memberId}`;
  const task = async (taskId: string): Promise<Task> =>
    (await service().api<Task>('GET', `/api/automation-tasks/${taskId}`)).body;
  const finished = (taskId: string): Promise<Task> =>
    eventually(
      `task ${taskId} finished`,
      () => task(taskId),
      (t) => t.status === 'completed' || t.status === 'not_completed',
      90_000,
    );
  const entriesFor = (log: LogEntry[], a: Action): LogEntry[] =>
    log.filter((e) => e.action === SHAPE[a.kind].logAction && e.target === SHAPE[a.kind].target(a));
  const ofKind = (kind: Kind): Action[] => actions.filter((a) => a.kind === kind);

  const request = (a: Action): Promise<HttpAnswer<ActionAnswer>> => {
    switch (a.kind) {
      case 'removal':
        return service().api<ActionAnswer>('POST', `${memberPath(a.member.id)}/remove`);
      case 'invite':
        return service().api<ActionAnswer>('POST', `${memberPath(a.member.id)}/match`, {
          identityId: a.identityId,
          role: 'owner',
        });
      case 'role':
        return service().api<ActionAnswer>('PUT', `${memberPath(a.member.id)}/business-role`, {
          role: 'manager',
        });
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'saga-crash-'));
    simulator = await startSimulator({ fixture: { businesses: [business] } });
    options = { dataDir, pinterestBaseUrl: simulator.url };
    svc = await ServiceProcess.start(options);

    // Given an integration connected with the business's Manager login, checked once
    const created = await service().api<{ id: string }>('POST', '/api/integrations', {
      label: 'Crash Test Co',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: {
        label: 'Robot',
        email: DEFAULT_GENERATED_MANAGER.email,
        password: DEFAULT_GENERATED_MANAGER.password,
      },
    });
    expect(created.status).toBe(201);
    integrationId = created.body.id;
    const check = await service().api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    expect(check.status).toBe(202);
    expect((await finished(check.body.taskId)).status).toBe('completed');

    // And unmatched employees: one to remove, one to match (and invite), one to promote per round
    const unmatched = await service().api<Page<Member>>(
      'GET',
      `/api/integrations/${integrationId}/members?tab=unmatched&limit=100`,
    );
    expect(unmatched.body.items).toHaveLength(business.members.length);
    const employees = unmatched.body.items
      .filter((m) => m.email !== DEFAULT_GENERATED_MANAGER.email && m.businessRole === 'employee')
      .sort((a, b) => a.pinterestUserId.localeCompare(b.pinterestUserId));

    // And, for each invite, a directory identity whose email is neither a member nor invited
    const plan: { round: number; kinds: readonly Kind[]; kill: Action['kill'] }[] = [
      ...Array.from({ length: ROUNDS }, (_x, round) => ({
        round,
        kinds: KINDS,
        kill: 'random' as const,
      })),
      ...KINDS.map((kind, i) => ({ round: ROUNDS + i, kinds: [kind], kill: 'on-answer' as const })),
      ...KINDS.map((kind, i) => ({
        round: ROUNDS + KINDS.length + i,
        kinds: [kind],
        kill: 'on-change' as const,
      })),
    ];
    const available = [...employees];
    for (const { round, kinds, kill } of plan) {
      for (const kind of kinds) {
        const email = kind === 'invite' ? `new.hire.${round}@hires.example` : '';
        let identityId = '';
        if (kind === 'invite') {
          const identity = await service().scim<{ id: string }>('POST', '/Users', scimUser(email));
          expect(identity.status).toBe(201);
          identityId = identity.body.id;
        }
        const member = available.shift();
        if (!member) throw new Error('not enough employees for every round');
        actions.push({
          kind,
          round,
          kill,
          member,
          email,
          identityId,
          taskId: '',
          killAfterMs: 0,
          killedAt: 0,
          appliedAtKill: false,
          task: null,
        });
      }
    }
    expect(await simLog()).toEqual([]);
  }, 180_000);

  afterAll(async () => {
    await ServiceProcess.killAll();
    await simulator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Waits until the in-process simulator shows every change of the batch (or gives up). */
  async function untilChanged(batch: Action[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (
      !batch.every((a) => entriesFor(simulator.state.log, a).length > 0) &&
      Date.now() < deadline
    )
      await sleep(2);
  }

  describe(`when, ${ROUNDS} times, a removal, an invite and a role change are asked for and the service is SIGKILLed 0–${KILL_WINDOW_MS} ms later, then once per kind right at the answer and once the moment Pinterest shows the change, each time restarted`, () => {
    beforeAll(async () => {
      const rounds = [...new Set(actions.map((a) => a.round))];
      for (const round of rounds) {
        // The kinds take turns at being asked for first, so each is sometimes queued behind the others.
        const batch = actions.filter((a) => a.round === round);
        const ordered = [
          ...batch.slice(round % batch.length),
          ...batch.slice(0, round % batch.length),
        ];
        for (const a of ordered) {
          const answer = await request(a);
          expect({ round, kind: a.kind, status: answer.status }).toEqual({
            round,
            kind: a.kind,
            status: 202,
          });
          a.taskId = answer.body.taskId as string;
        }

        const answered = Date.now();
        if (batch[0].kill === 'random') await sleep(killDelay(round));
        if (batch[0].kill === 'on-change') await untilChanged(batch);
        const killAfterMs = Date.now() - answered;
        await service().kill();
        svc = undefined;
        const killedAt = Date.now();
        const log = await simLog();
        for (const a of batch)
          Object.assign(a, { killAfterMs, killedAt, appliedAtKill: entriesFor(log, a).length > 0 });

        const spawned = Date.now();
        svc = await ServiceProcess.start(options);
        restartsMs.push(Date.now() - spawned);
        for (const a of batch) a.task = await finished(a.taskId);
      }
    }, 300_000);

    it('then every task completed after the restart', async () => {
      for (const a of actions) {
        const now = await task(a.taskId);
        expect({ round: a.round, kind: now.kind, status: now.status }).toEqual({
          round: a.round,
          kind: SHAPE[a.kind].taskKind,
          status: 'completed',
        });
      }
    });

    it("then the simulator's log shows each change exactly once, by the automation account, and nothing else", async () => {
      const log = await simLog();
      for (const a of actions) {
        const entries = entriesFor(log, a);
        expect({ round: a.round, kind: a.kind, entries: entries.length }).toEqual({
          round: a.round,
          kind: a.kind,
          entries: 1,
        });
        const expected =
          a.kind === 'role'
            ? { from: 'EMPLOYEE', to: 'MANAGER' }
            : a.kind === 'invite'
              ? { role: 'EMPLOYEE' }
              : { email: a.member.email };
        expect({ round: a.round, kind: a.kind, details: entries[0].details }).toEqual({
          round: a.round,
          kind: a.kind,
          details: expected,
        });
      }
      expect(log).toHaveLength(actions.length);
      expect(log.filter((e) => e.by !== DEFAULT_GENERATED_MANAGER.email)).toEqual([]);
    });

    it('then each member shows the outcome, with no action pending', async () => {
      for (const a of actions) {
        const res = await service().api<Member>('GET', memberPath(a.member.id));
        expect(res.status).toBe(200);
        const m = res.body;
        const seen = { round: a.round, kind: a.kind, pending: m.pendingAction, status: m.status };
        switch (a.kind) {
          case 'removal':
            expect({ ...seen, tab: m.tab, assets: m.assets, removal: m.removal?.taskId }).toEqual({
              ...seen,
              pending: null,
              status: 'removed',
              tab: 'gone',
              assets: [],
              removal: a.taskId,
            });
            break;
          case 'invite':
            expect({ ...seen, tab: m.tab, invite: m.invite, identity: m.matchedIdentity }).toEqual({
              ...seen,
              pending: null,
              status: 'pending_invite_claim',
              tab: 'onboarded',
              invite: { email: a.email, status: 'pending_invite_claim', taskId: a.taskId },
              identity: expect.objectContaining({ identityId: a.identityId, how: 'manual' }),
            });
            break;
          case 'role':
            expect({ ...seen, role: m.businessRole }).toEqual({
              ...seen,
              pending: null,
              status: 'unmatched',
              role: 'manager',
            });
            break;
        }
      }
    });

    it('then the member events say each action happened once', async () => {
      const events = await cliEvents(dataDir, 'member');
      const outcomes: string[] = [];
      const types: Record<Kind, [string, string, string]> = {
        removal: ['MemberRemovalRequested', 'MemberRemoved', 'MemberRemovalFailed'],
        invite: ['MemberInviteRequested', 'MemberInvited', 'MemberInviteFailed'],
        role: [
          'MemberBusinessRoleChangeRequested',
          'MemberBusinessRoleChanged',
          'MemberUpdateFailed',
        ],
      };
      for (const a of actions) {
        const [requested, done, failed] = types[a.kind].map((type) =>
          eventsOf(events, a.member.id, type),
        );
        const at = { round: a.round, kind: a.kind };
        expect({
          ...at,
          requested: requested.length,
          done: done.length,
          failed: failed.length,
        }).toEqual({ ...at, requested: 1, done: 1, failed: 0 });
        const data = done[0].data as {
          taskId?: string;
          outcome?: string;
          email?: string;
          to?: string;
          afterInterruptedAttempt?: boolean;
          revokedAssets?: Record<string, string[]>;
        };
        switch (a.kind) {
          case 'removal':
            expect({
              ...at,
              taskId: data.taskId,
              revoked: Object.keys(data.revokedAssets ?? {}).sort(),
            }).toEqual({
              ...at,
              taskId: a.taskId,
              revoked: a.member.assets.map((x) => x.assetId).sort(),
            });
            break;
          case 'invite':
            expect({
              ...at,
              taskId: data.taskId,
              email: data.email,
              matched: eventsOf(events, a.member.id, 'MemberMatched').length,
            }).toEqual({
              ...at,
              taskId: a.taskId,
              email: a.email,
              matched: 1,
            });
            break;
          case 'role':
            expect({ ...at, to: data.to, actor: done[0].metadata.actor }).toEqual({
              ...at,
              to: 'manager',
              actor: 'admin',
            });
            break;
        }
        // Killed before Pinterest changed, the restarted service made the change itself; killed
        // after, it found the change made by its own cut-off attempt: either way the task says
        // it did it, and the member's event records what was seen (an "already …" only after
        // an interrupted attempt of ours).
        const outcome = a.task?.summary?.outcome;
        expect({ ...at, outcome }).toEqual({
          ...at,
          outcome: { removal: 'removed', invite: 'invited', role: 'changed' }[a.kind],
        });
        expect({
          ...at,
          seen: data.outcome,
          afterInterruptedAttempt: data.outcome?.startsWith('already_')
            ? data.afterInterruptedAttempt
            : true,
        }).toEqual({
          ...at,
          seen: expect.stringMatching(/^(removed|invited|changed|already_\w+)$/),
          afterInterruptedAttempt: true,
        });
        // Killed the moment Pinterest changed, the change was not yet recorded: the restarted
        // service recorded it, without applying it again.
        if (a.kill === 'on-change') {
          expect({
            ...at,
            applied: a.appliedAtKill,
            recordedAfterTheKill: Date.parse(done[0].recordedAt) > a.killedAt,
          }).toEqual({
            ...at,
            applied: true,
            recordedAfterTheKill: true,
          });
          outcomes.push(`${a.kind}: ${String(data.outcome)}`);
        }
      }
      console.log(`outcomes recorded after a kill on the change: ${outcomes.join('; ')}`);
    });

    it('then no task is left queued, running or retrying', async () => {
      for (const status of ['queued', 'running', 'retrying']) {
        const res = await service().api<Page<Task>>(
          'GET',
          `/api/automation-tasks?integrationId=${integrationId}&status=${status}`,
        );
        expect({ status, tasks: res.body.items.map((t) => t.id) }).toEqual({ status, tasks: [] });
      }
    });

    it('then, for every kind, some kills fell before Pinterest changed and some after', () => {
      const coverage = KINDS.map((kind) => {
        const before = ofKind(kind).filter((a) => !a.appliedAtKill).length;
        return { kind, before, after: ofKind(kind).length - before };
      });
      const mean = Math.round(
        restartsMs.reduce((sum, ms) => sum + ms, 0) / Math.max(1, restartsMs.length),
      );
      const kills = [...new Map(actions.map((a) => [a.round, a])).values()].map((a) =>
        a.kill === 'random' ? `${a.killAfterMs}` : `${a.killAfterMs} (${a.kind} ${a.kill})`,
      );
      console.log(
        `kills after [${kills.join(', ')}] ms; mean restart ${mean} ms; ${JSON.stringify(coverage)}`,
      );
      expect(coverage.filter((c) => c.before === 0 || c.after === 0)).toEqual([]);
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateBusiness,
  type LogEntry,
  type RunningSimulator,
  startSimulator,
} from '@app/simulator';

import { BOTH_SCOPES, registerApp } from '../pinterest/api-support';
import {
  cliEvents,
  eventually,
  getJson,
  ServiceProcess,
  type ServiceOptions,
} from './service-process';

/**
 * kill -9 during a removal through the API connector, then a restart: the removal is applied
 * on Pinterest exactly once and recorded once. Two moments: as soon as the request is
 * accepted (before the saga reaches Pinterest), and the instant the simulator applies the
 * change (before the service can have seen the answer): the window where a replay could
 * remove twice.
 */

const BUSINESS_ID = '900000000000005151';

interface Member {
  id: string;
  pinterestUserId: string;
}
interface Task {
  status: string;
  summary: { outcome?: string; channel?: string } | null;
}

describe('an API removal survives kill -9 (service in a child process, simulator over REST)', () => {
  const business = generateBusiness({
    businessId: BUSINESS_ID,
    name: 'API Crash Co',
    members: 12,
    adAccounts: 2,
    grantsPerMember: 1,
    partners: 0,
    invites: 0,
    seed: 5151,
  });
  let simulator: RunningSimulator;
  let dataDir: string;
  let options: ServiceOptions;
  let svc: ServiceProcess;
  let integrationId: string;
  let members: Member[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'api-crash-'));
    simulator = await startSimulator({ fixture: { businesses: [business] } });
    options = {
      dataDir,
      pinterestBaseUrl: simulator.url,
      env: { PINTEREST_API_BASE_URL: `${simulator.url}/v5` },
    };
    svc = await ServiceProcess.start(options);
    const app = await registerApp(simulator.url, { businessId: BUSINESS_ID, scopes: BOTH_SCOPES });
    const created = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'API Crash Co',
      businessId: BUSINESS_ID,
      connector: 'api',
      oauth: app,
    });
    expect(created.status).toBe(201);
    integrationId = created.body.id;
    const check = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    await eventually(
      'first check',
      async () => (await svc.api<Task>('GET', `/api/automation-tasks/${check.body.taskId}`)).body,
      (t) => t.status === 'completed',
      60_000,
    );
    members = (
      await svc.api<{ items: Member[] }>(
        'GET',
        `/api/integrations/${integrationId}/members?tab=unmatched&limit=100`,
      )
    ).body.items.filter((m) =>
      business.members.some((b) => b.id === m.pinterestUserId && !b.password),
    );
  }, 180_000);

  afterAll(async () => {
    await ServiceProcess.killAll();
    await simulator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const removalsOf = async (target: string): Promise<LogEntry[]> =>
    (await getJson<LogEntry[]>(`${simulator.url}/__sim/log?businessId=${BUSINESS_ID}`)).filter(
      (e) => e.action === 'remove_member' && e.target === target,
    );

  it.each([['on-answer'], ['on-change']] as const)(
    'killed %s, restarted: removed once on Pinterest, recorded once',
    async (moment) => {
      const member = members.pop()!;
      const state = simulator.state;
      const removeMember = state.removeMember.bind(state);
      if (moment === 'on-change') {
        // Pinterest answers slowly, so the request's own answer comes back before the saga's
        // removal lands; then the kill, the instant Pinterest applies it, before its answer
        // can reach the service.
        simulator.app.faults.latencyMs = 300;
        state.removeMember = (...args) => {
          const removed = removeMember(...args);
          void svc.kill();
          return removed;
        };
      }
      let taskId = '';
      try {
        // when a removal is asked for, and the service is killed
        const answer = await svc.api<{ taskId: string }>(
          'POST',
          `/api/integrations/${integrationId}/members/${member.id}/remove`,
        );
        expect(answer.status).toBe(202);
        taskId = answer.body.taskId;
        if (moment === 'on-answer') await svc.kill();
        else
          await eventually(
            'the change',
            () => removalsOf(member.pinterestUserId),
            (l) => l.length > 0,
            30_000,
          );
      } finally {
        state.removeMember = removeMember;
        simulator.app.faults.latencyMs = 0;
      }
      await svc.kill();
      svc = await ServiceProcess.start(options);

      // then the task completes, Pinterest logged one removal through the API, and one event says so
      const task = await eventually(
        'the removal task',
        async () => (await svc.api<Task>('GET', `/api/automation-tasks/${taskId}`)).body,
        (t) => t.status === 'completed' || t.status === 'not_completed',
        90_000,
      );
      expect(task.status).toBe('completed');
      expect(task.summary?.channel).toBe('api');
      // "already absent" after our own interrupted attempt is our removal
      expect(task.summary?.outcome).toBe('removed');
      const log = await removalsOf(member.pinterestUserId);
      expect(log.map((e) => e.channel)).toEqual(['api']);
      const events = await cliEvents(dataDir, 'member');
      expect(
        events.filter((e) => e.stream === `member-${member.id}` && e.type === 'MemberRemoved'),
      ).toHaveLength(1);
    },
    240_000,
  );
});

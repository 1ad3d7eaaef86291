import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@app/simulator';
import {
  cliEvents,
  cliVerifyProjections,
  eventually,
  ServiceProcess,
  type ServiceOptions,
  sleep,
} from '../actions/service-process';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

/**
 * The ends survive a crash: an exemption and a guest are given an end a few seconds ahead,
 * the service is killed -9 at once (before its projections may even have seen them), stays
 * down while the end passes, and is started again: both end within 10 s of the restart, once
 * each, also after a second kill and restart, and the read models equal a rebuild.
 */

interface Member {
  id: string;
  name: string;
  tab: string;
}
interface Identity {
  id: string;
  active: boolean;
}

const WITHIN_MS = 10_000;

describe('expiries after kill -9 and a restart', () => {
  let dataDir: string;
  let simulator: RunningSimulator;
  let options: ServiceOptions;
  let svc: ServiceProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'expiry-restart-'));
    simulator = await startSimulator({ fixture: fixtureOf(trickyBusiness()) });
    options = { dataDir, pinterestBaseUrl: simulator.url };
    svc = await ServiceProcess.start(options);
  }, 120_000);

  afterAll(async () => {
    await ServiceProcess.killAll();
    await simulator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends an exemption and a guest whose end passed while the service was down, once each', async () => {
    // given an integration checked once and a sponsor in the directory
    const sponsor = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'sam@acme.example',
      emails: [{ value: 'sam@acme.example', primary: true }],
    });
    expect(sponsor.status).toBe(201);
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'robot', ...AUTOMATION },
    });
    const integrationId = connected.body.id;
    const check = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    await eventually(
      'the first check completes',
      async () =>
        (await svc.api<{ status: string }>('GET', `/api/automation-tasks/${check.body.taskId}`))
          .body.status,
      (s) => s === 'completed',
    );
    const unmatched = async () =>
      (
        await svc.api<{ items: Member[] }>(
          'GET',
          `/api/integrations/${integrationId}/members?tab=unmatched&limit=200`,
        )
      ).body.items;
    const carol = (await unmatched()).find((m) => m.name.startsWith('Carol')) as Member;

    // when both are given an end 4 s ahead and the service is killed at once
    const expiresAt = new Date(Date.now() + 4_000).toISOString();
    const exempted = await svc.api(
      'POST',
      `/api/integrations/${integrationId}/members/${carol.id}/exempt`,
      {
        reason: 'launch week',
        expiresAt,
      },
    );
    expect(exempted.status).toBe(200);
    const guest = await svc.api<{ id: string }>('POST', '/api/guests', {
      name: 'Gina Guest',
      email: 'gina@partner.example',
      kind: 'guest',
      sponsorIdentityId: sponsor.body.id,
      expiresAt,
    });
    expect(guest.status).toBe(201);
    await svc.kill();
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 1_000);

    // then after a restart both end within 10 s
    svc = await ServiceProcess.start(options);
    const started = Date.now();
    await eventually(
      'Carol is back on the Unmatched tab',
      unmatched,
      (items) => items.some((m) => m.id === carol.id),
      WITHIN_MS + 5_000,
    );
    await eventually(
      'the guest is inactive',
      async () =>
        (await svc.api<{ items: Identity[] }>('GET', '/api/identities?limit=200')).body.items,
      (items) => items.some((i) => i.id === guest.body.id && !i.active),
      WITHIN_MS + 5_000,
    );
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);

    // and a second crash and restart fires nothing twice
    await svc.kill();
    svc = await ServiceProcess.start(options);
    await sleep(4_000);
    await svc.kill();
    const members = await cliEvents(dataDir, 'member');
    const expired = members.filter(
      (e) => e.type === 'MemberExemptionExpired' && e.stream === `member-${carol.id}`,
    );
    expect(expired).toHaveLength(1);
    expect(expired[0].metadata.actor).toBe('system');
    const ended = (await cliEvents(dataDir, 'identity')).filter(
      (e) => e.type === 'IdentityDeprovisioned' && e.stream === `identity-${guest.body.id}`,
    );
    expect(ended).toHaveLength(1);
    expect(ended[0].data).toMatchObject({ reason: 'guest_expired' });

    const verify = await cliVerifyProjections(dataDir);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const lines = verify.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { projection: string; ok: boolean });
    expect(lines.filter((l) => !l.ok)).toEqual([]);
    expect(lines.map((l) => l.projection)).toContain('expiries');
  }, 300_000);
});

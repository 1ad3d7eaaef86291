import type { RecordedEvent } from '@app/eventstore';
import { eventually, type ServiceHarness, startService } from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from './fixture';

/**
 * Exemptions that end and guest identities, against the real service (SQLite, projections,
 * sagas, the expiry sweep) driving the simulator in Chromium.
 */

interface Member {
  id: string;
  name: string;
  tab: string;
  status: string;
  exemption: { reason: string; actor: string; expiresAt: string | null } | null;
  matchedIdentity: { identityId: string; how: string; actor: string } | null;
}
interface Identity {
  id: string;
  source: 'scim' | 'guest';
  userName: string;
  displayName: string | null;
  emails: { value: string }[];
  active: boolean;
  deprovisionReason: string | null;
  kind: string | null;
  sponsor: { identityId: string; displayName: string | null } | null;
  expiresAt: string | null;
}
interface ErrorBody {
  statusCode: number;
  message: string;
  details?: { field: string }[] | { field?: string; state?: string };
}

/** The fields a 400 names, from either error shape (validation list or domain field). */
function fieldsOf(body: ErrorBody): string[] {
  const details = body.details;
  if (Array.isArray(details)) return details.map((d) => d.field);
  return details?.field ? [details.field] : [];
}

const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
const DAY = 24 * 3600 * 1000;
/** The promise: an end shows within this of its expiresAt. */
const WITHIN_MS = 10_000;

describe('exemptions that end, guests and local partners (end to end)', () => {
  let svc: ServiceHarness;
  let integrationId: string;
  const member: Record<string, string> = {};
  const identity: Record<string, string> = {};

  const base = (name: string) => `/api/integrations/${integrationId}/members/${member[name]}`;
  const get = async (name: string) => (await svc.api<Member>('GET', base(name))).body;
  const tab = async (which: string) =>
    (
      await svc.api<{ items: Member[] }>(
        'GET',
        `/api/integrations/${integrationId}/members?tab=${which}&limit=200`,
      )
    ).body.items;
  const identities = async () =>
    (await svc.api<{ items: Identity[] }>('GET', '/api/identities?limit=200')).body.items;
  const provision = async (key: string, email: string, displayName?: string) => {
    const res = await svc.scim<{ id: string }>('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      ...(displayName ? { displayName } : {}),
      emails: [{ value: email, primary: true }],
      active: true,
    });
    expect(res.status).toBe(201);
    identity[key] = res.body.id;
  };
  const deactivate = (key: string) =>
    svc.scim('PATCH', `/Users/${identity[key]}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
  const invite = (body: Record<string, unknown>) =>
    svc.api<Identity & ErrorBody>('POST', '/api/guests', {
      name: 'Gina Guest',
      email: 'gina@partner.example',
      kind: 'guest',
      sponsorIdentityId: identity.sam,
      expiresAt: inMs(DAY),
      ...body,
    });
  const eventsOf = async (type: string, stream: string): Promise<RecordedEvent[]> =>
    (await svc.events({ eventTypes: [type] })).filter((e) => e.stream === stream);

  beforeAll(async () => {
    svc = await startService(fixtureOf(trickyBusiness()));
    await provision('sam', 'sam@acme.example', 'Sam Sponsor');
    await provision('sue', 'sue@acme.example', 'Sue Sponsor');
    await provision('gone', 'gone@acme.example');
    await deactivate('gone');
    const connected = await svc.api<{ id: string }>('POST', '/api/integrations', {
      label: 'Acme',
      businessId: BUSINESS_ID,
      loginMethod: 'password',
      automationAccount: { label: 'robot', ...AUTOMATION },
    });
    expect(connected.status).toBe(201);
    integrationId = connected.body.id;
    const queued = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
    );
    await eventually(
      async () =>
        (await svc.api<{ status: string }>('GET', `/api/automation-tasks/${queued.body.taskId}`))
          .body.status,
      (s) => s === 'completed',
      60_000,
    );
    for (const m of await tab('unmatched')) member[m.name.split(' ')[0].toLowerCase()] = m.id;
  }, 120_000);

  afterAll(async () => svc?.close());

  describe('exemptions that end', () => {
    it('refuses an expiresAt that is not a future instant at most a year ahead, naming it, appending nothing', async () => {
      const before = await svc.head();
      for (const expiresAt of [
        inMs(-1_000),
        inMs(367 * DAY),
        'tomorrow',
        '2027-01-01T10:00:00',
        42,
      ]) {
        const res = await svc.api<ErrorBody>('POST', `${base('ann')}/exempt`, {
          reason: 'agency',
          expiresAt,
        });
        expect({ expiresAt, status: res.status }).toEqual({ expiresAt, status: 400 });
        expect(fieldsOf(res.body)).toEqual(['expiresAt']);
        expect(res.body.message).toContain('expiresAt');
      }
      expect(await svc.head()).toBe(before);
      expect((await get('ann')).tab).toBe('unmatched');
    });

    it('puts a member whose exemption expired back on the Unmatched tab within 10 s, by the system', async () => {
      // given Carol exempted until a few seconds from now (no identity fits her)
      const expiresAt = inMs(3_000);
      const res = await svc.api<{ member: Member }>('POST', `${base('carol')}/exempt`, {
        reason: 'agency until the launch',
        expiresAt,
      });
      expect(res.status).toBe(200);
      expect(res.body.member).toMatchObject({
        tab: 'exempted',
        exemption: { reason: 'agency until the launch', actor: 'admin', expiresAt },
      });
      // when the end comes, then she is on the Unmatched tab within 10 s of it
      const back = await eventually(
        () => tab('unmatched'),
        (items) => items.some((m) => m.id === member.carol),
        WITHIN_MS + 5_000,
      );
      expect(Date.now() - Date.parse(expiresAt)).toBeLessThan(WITHIN_MS);
      expect(back.find((m) => m.id === member.carol)).toMatchObject({
        status: 'unmatched',
        exemption: null,
      });
      // and the member's stream says why, who, and what caused it
      const stream = `member-${member.carol}`;
      const [exempted] = await eventsOf('MemberExempted', stream);
      const expired = await eventsOf('MemberExemptionExpired', stream);
      expect(expired).toHaveLength(1);
      expect(expired[0].data).toEqual({
        memberId: member.carol,
        integrationId,
        reason: 'exemption_expired',
        expiresAt,
      });
      expect(expired[0].metadata).toMatchObject({
        actor: 'system',
        causationId: exempted.id,
        correlationId: exempted.metadata.correlationId,
      });
      expect(Date.parse(expired[0].metadata.occurredAt)).toBeGreaterThanOrEqual(
        Date.parse(expiresAt),
      );
      // a sweep that fires again decides nothing
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await eventsOf('MemberExemptionExpired', stream)).toHaveLength(1);
    }, 30_000);

    it('matches a member automatically when its exemption expires and an identity now fits', async () => {
      // given Bob exempted until soon, then an identity with his email arrives by SCIM
      const expiresAt = inMs(3_000);
      await svc.api('POST', `${base('bob')}/exempt`, { reason: 'contractor', expiresAt });
      await provision('bob', 'bob@acme.example');
      expect(await get('bob')).toMatchObject({ tab: 'exempted', matchedIdentity: null });
      // when the exemption ends, then he is onboarded by the system within 10 s
      const matched = await eventually(
        () => get('bob'),
        (m) => m.tab === 'onboarded',
        WITHIN_MS + 5_000,
      );
      expect(Date.now() - Date.parse(expiresAt)).toBeLessThan(WITHIN_MS);
      expect(matched.matchedIdentity).toMatchObject({
        identityId: identity.bob,
        how: 'auto',
        actor: 'system',
      });
      const stream = `member-${member.bob}`;
      const [expired] = await eventsOf('MemberExemptionExpired', stream);
      const [match] = await eventsOf('MemberMatched', stream);
      expect(match.metadata.causationId).toBe(expired.id);
      expect(match.revision).toBeGreaterThan(expired.revision);
    }, 30_000);

    it('keeps an exemption without expiresAt, and an unexempted one does not expire later', async () => {
      const expiresAt = inMs(2_000);
      await svc.api('POST', `${base('ann')}/exempt`, { reason: 'short', expiresAt });
      await svc.api('POST', `${base('ann')}/unexempt`);
      await svc.api('POST', `${base('ann')}/exempt`, { reason: 'for good' });
      await new Promise((r) => setTimeout(r, 2_000 + 4_000));
      expect(await get('ann')).toMatchObject({
        tab: 'exempted',
        exemption: { reason: 'for good', expiresAt: null },
      });
      expect(await eventsOf('MemberExemptionExpired', `member-${member.ann}`)).toEqual([]);
    }, 30_000);
  });

  describe('guests and local partners', () => {
    it('refuses bad guests naming the field, appending nothing', async () => {
      const before = await svc.head();
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'Gina\u202eGuest' }, 'name'],
        [{ name: '   ' }, 'name'],
        [{ email: 'not-an-email' }, 'email'],
        [{ kind: 'vendor' }, 'kind'],
        [{ sponsorIdentityId: 'sam' }, 'sponsorIdentityId'],
        [{ sponsorIdentityId: '00000000-0000-4000-8000-000000000000' }, 'sponsorIdentityId'],
        [{ sponsorIdentityId: identity.gone }, 'sponsorIdentityId'],
        [{ expiresAt: inMs(-60_000) }, 'expiresAt'],
        [{ expiresAt: '2030-01-01T00:00:00' }, 'expiresAt'],
        [{ expiresAt: undefined }, 'expiresAt'],
      ];
      for (const [body, field] of cases) {
        const res = await invite(body);
        expect({ body, status: res.status, fields: fieldsOf(res.body) }).toEqual({
          body,
          status: 400,
          fields: [field],
        });
      }
      // an email an active identity already holds would make every match ambiguous
      const taken = await invite({ email: 'SAM@acme.example' });
      expect(taken.status).toBe(409);
      expect(fieldsOf(taken.body)).toEqual(['email']);
      expect(await svc.head()).toBe(before);
    });

    it('creates a guest listed among identities with its source, sponsor and end, unseen by SCIM', async () => {
      // when
      const expiresAt = inMs(30 * DAY);
      const res = await invite({
        name: 'Paula Partner',
        email: 'paula@partner.example',
        kind: 'local_partner',
        expiresAt,
      });
      // then
      expect(res.status).toBe(201);
      identity.paula = res.body.id;
      const expected = {
        id: identity.paula,
        source: 'guest',
        displayName: 'Paula Partner',
        emails: [expect.objectContaining({ value: 'paula@partner.example' })],
        active: true,
        kind: 'local_partner',
        sponsor: { identityId: identity.sam, displayName: 'Sam Sponsor' },
        expiresAt,
      };
      expect(res.body).toMatchObject(expected);
      const listed = await identities();
      expect(listed.find((i) => i.id === identity.paula)).toMatchObject(expected);
      expect(listed.find((i) => i.id === identity.sam)).toMatchObject({
        source: 'scim',
        sponsor: null,
        expiresAt: null,
      });
      const event = await eventsOf('GuestIdentityInvited', `identity-${identity.paula}`);
      expect(event).toHaveLength(1);
      expect(event[0].metadata.actor).toBe('admin');
      // SCIM is the IdP's: it neither lists nor serves the guest
      const scimList = await svc.scim<{ Resources: { id: string }[]; totalResults: number }>(
        'GET',
        '/Users?count=200',
      );
      expect(scimList.body.Resources.map((r) => r.id)).not.toContain(identity.paula);
      expect(scimList.body.totalResults).toBe(scimList.body.Resources.length);
      expect((await svc.scim('GET', `/Users/${identity.paula}`)).status).toBe(404);
      expect(
        (await svc.scim('GET', '/Users?filter=userName%20eq%20%22paula@partner.example%22')).body,
      ).toMatchObject({ totalResults: 0 });
    });

    it('matches an unmatched member to a guest with the normal match endpoint', async () => {
      const res = await svc.api<{ member: Member }>('POST', `${base('eve')}/match`, {
        identityId: identity.paula,
        role: 'collaborator',
      });
      expect([200, 202]).toContain(res.status);
      expect(res.body.member).toMatchObject({
        tab: 'onboarded',
        matchedIdentity: { identityId: identity.paula, how: 'manual' },
      });
    });

    it('matches automatically the unmatched member whose email the new guest has', async () => {
      const res = await invite({ name: 'Dan Outsider', email: 'dan@agency.example' });
      expect(res.status).toBe(201);
      const dan = await eventually(
        () => get('dan'),
        (m) => m.tab === 'onboarded',
      );
      // the admins' guest, not the IdP, made the match possible
      expect(dan.matchedIdentity).toMatchObject({
        identityId: res.body.id,
        how: 'auto',
        actor: 'system',
      });
    });

    it('ends a guest on DELETE: IdentityDeprovisioned guest_ended by the admin; again is 409, unknown 404', async () => {
      const res = await invite({ email: 'short.stay@partner.example' });
      const id = res.body.id;
      const ended = await svc.api<Identity>('DELETE', `/api/guests/${id}`);
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ id, active: false, deprovisionReason: 'guest_ended' });
      const [invited] = await eventsOf('GuestIdentityInvited', `identity-${id}`);
      const events = await eventsOf('IdentityDeprovisioned', `identity-${id}`);
      expect(events).toHaveLength(1);
      expect(events[0].data).toEqual({
        identityId: id,
        workspaceId: invited.metadata.workspaceId,
        reason: 'guest_ended',
      });
      expect(events[0].metadata.actor).toBe('admin');
      expect((await identities()).find((i) => i.id === id)).toMatchObject({ active: false });

      const before = await svc.head();
      expect((await svc.api<ErrorBody>('DELETE', `/api/guests/${id}`)).status).toBe(409);
      expect(
        (await svc.api('DELETE', '/api/guests/00000000-0000-4000-8000-000000000000')).status,
      ).toBe(404);
      // an IdP user is not a guest
      expect((await svc.api('DELETE', `/api/guests/${identity.sam}`)).status).toBe(404);
      expect((await svc.api<ErrorBody>('DELETE', '/api/guests/nope')).status).toBe(400);
      expect(await svc.head()).toBe(before);
    });

    it('ends a guest whose expiresAt passes within 10 s: guest_expired, by the system, caused by the invitation', async () => {
      const expiresAt = inMs(3_000);
      const res = await invite({ email: 'brief@partner.example', expiresAt });
      expect(res.status).toBe(201);
      const id = res.body.id;
      const listed = await eventually(
        identities,
        (items) => items.some((i) => i.id === id && !i.active),
        WITHIN_MS + 5_000,
      );
      expect(Date.now() - Date.parse(expiresAt)).toBeLessThan(WITHIN_MS);
      expect(listed.find((i) => i.id === id)).toMatchObject({
        active: false,
        deprovisionReason: 'guest_expired',
      });
      const [invited] = await eventsOf('GuestIdentityInvited', `identity-${id}`);
      const events = await eventsOf('IdentityDeprovisioned', `identity-${id}`);
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ identityId: id, reason: 'guest_expired' });
      expect(events[0].metadata).toMatchObject({
        actor: 'system',
        causationId: invited.id,
        correlationId: invited.metadata.correlationId,
      });
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await eventsOf('IdentityDeprovisioned', `identity-${id}`)).toHaveLength(1);
    }, 30_000);

    it('ends the guests of a sponsor who leaves the IdP: sponsor_left, caused by the sponsor’s deprovisioning', async () => {
      // given two guests sponsored by Sue and one by Sam
      const ids: string[] = [];
      for (const email of ['one@partner.example', 'two@partner.example']) {
        const res = await invite({ email, sponsorIdentityId: identity.sue });
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
      const other = await invite({ email: 'three@partner.example' });
      // when Sue is deactivated by the IdP
      const left = Date.now();
      expect((await deactivate('sue')).status).toBe(200);
      // then both her guests end within 10 s; Sam's stays
      await eventually(
        identities,
        (items) => ids.every((id) => items.some((i) => i.id === id && !i.active)),
        WITHIN_MS,
      );
      expect(Date.now() - left).toBeLessThan(WITHIN_MS);
      const [sponsorLeft] = await eventsOf('IdentityDeprovisioned', `identity-${identity.sue}`);
      for (const id of ids) {
        const events = await eventsOf('IdentityDeprovisioned', `identity-${id}`);
        expect(events).toHaveLength(1);
        expect(events[0].data).toMatchObject({ identityId: id, reason: 'sponsor_left' });
        expect(events[0].metadata).toMatchObject({
          actor: 'system',
          causationId: sponsorLeft.id,
          correlationId: sponsorLeft.metadata.correlationId,
        });
      }
      expect((await identities()).find((i) => i.id === other.body.id)).toMatchObject({
        active: true,
      });
      // and a guest can no longer be sponsored by her
      const refused = await invite({
        email: 'four@partner.example',
        sponsorIdentityId: identity.sue,
      });
      expect(refused.status).toBe(400);
      expect(fieldsOf(refused.body)).toEqual(['sponsorIdentityId']);
    }, 30_000);
  });
});

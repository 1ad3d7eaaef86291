import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueJson } from '../../../tools/write-event-catalogue';
import { EVENT_CATALOGUE } from './catalogue';
import { MEMBER_EVENT_TYPES } from './member/member.events';
import { IDENTITY_EVENT_TYPES } from './identity/identity.events';

describe('event catalogue', () => {
  it('given the domain catalogue, then eventstore/event-catalogue.json says the same (run npm run catalogue)', () => {
    const file = readFileSync(join(__dirname, '../../../eventstore/event-catalogue.json'), 'utf8');
    expect(file).toBe(catalogueJson());
  });

  it('lists every member and identity event type with a positive version and its category', () => {
    for (const type of MEMBER_EVENT_TYPES)
      expect(EVENT_CATALOGUE[type]).toMatchObject({ category: 'member' });
    for (const type of IDENTITY_EVENT_TYPES)
      expect(EVENT_CATALOGUE[type]).toMatchObject({ category: 'identity' });
    expect(
      Object.values(EVENT_CATALOGUE).every((e) => Number.isInteger(e.version) && e.version >= 1),
    ).toBe(true);
  });

  it('declares where the personal data of every personal event type is, and of no other', () => {
    for (const [type, entry] of Object.entries(EVENT_CATALOGUE)) {
      expect({ type, personal: (entry.personalFields ?? []).length > 0 }).toEqual({
        type,
        personal: entry.personal,
      });
      for (const group of entry.personalFields ?? [])
        expect(group.fields.length + (group.memberStreams ? 1 : 0)).toBeGreaterThan(0);
    }
  });
});

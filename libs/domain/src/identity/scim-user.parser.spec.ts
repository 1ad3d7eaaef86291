import { InvalidCommand } from '../shared/errors';
import { scimTypeOf } from './scim-errors';
import { parseScimUser } from './scim-user.parser';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

function refusal(body: unknown): { scimType: string | null; message: string; attribute: unknown } {
  try {
    parseScimUser(body);
  } catch (error) {
    if (!(error instanceof InvalidCommand)) throw error;
    return {
      scimType: scimTypeOf(error),
      message: error.message,
      attribute: error.details?.['attribute'],
    };
  }
  throw new Error('the body was accepted');
}

describe('parseScimUser (POST and PUT bodies)', () => {
  it('given an Okta user, when parsed, then every kept attribute is read', () => {
    const parsed = parseScimUser({
      schemas: [CORE],
      userName: 'ada@acme.test',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ primary: true, value: 'ada@acme.test', type: 'work' }],
      displayName: 'Ada Lovelace',
      locale: 'en-US',
      externalId: '00u1',
      groups: [],
      password: 'secret',
      active: true,
    });
    expect(parsed).toEqual({
      externalId: '00u1',
      active: true,
      personal: {
        userName: 'ada@acme.test',
        name: { givenName: 'Ada', familyName: 'Lovelace', formatted: null },
        displayName: 'Ada Lovelace',
        emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
      },
    });
  });

  it('given an Entra ID user with "False", the enterprise extension and other casing, when parsed, then it is read', () => {
    const parsed = parseScimUser({
      schemas: [CORE, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: 'e1',
      UserName: 'Grace@Acme.test',
      Active: 'False',
      displayName: 'Grace',
      Emails: [{ Primary: 'True', Type: 'work', Value: 'grace@acme.test' }],
      Name: { FamilyName: 'Hopper', givenName: 'Grace', middleName: 'B' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Navy' },
    });
    expect(parsed).toEqual({
      externalId: 'e1',
      active: false,
      personal: {
        userName: 'Grace@Acme.test',
        name: { givenName: 'Grace', familyName: 'Hopper', formatted: null },
        displayName: 'Grace',
        emails: [{ value: 'grace@acme.test', type: 'work', primary: true }],
      },
    });
  });

  it('given no active, no schemas and blank optional strings, when parsed, then active is unknown and blanks are unassigned', () => {
    expect(parseScimUser({ userName: 'x', displayName: '  ', externalId: '' })).toEqual({
      externalId: null,
      active: null,
      personal: {
        userName: 'x',
        name: { givenName: null, familyName: null, formatted: null },
        displayName: null,
        emails: [],
      },
    });
  });

  it.each([
    ['a list', [], 'invalidSyntax', undefined],
    ['no userName', { name: { givenName: 'A' } }, 'invalidValue', 'userName'],
    ['a blank userName', { userName: '   ' }, 'invalidValue', 'userName'],
    ['a numeric userName', { userName: 42 }, 'invalidValue', 'userName'],
    ['active "maybe"', { userName: 'a', active: 'maybe' }, 'invalidValue', 'active'],
    ['a wrong schema', { schemas: ['urn:x'], userName: 'a' }, 'invalidSyntax', 'schemas'],
    ['schemas not a list', { schemas: CORE, userName: 'a' }, 'invalidSyntax', 'schemas'],
    ['name as a string', { userName: 'a', name: 'Ada' }, 'invalidValue', 'name'],
    [
      'a numeric givenName',
      { userName: 'a', name: { givenName: 1 } },
      'invalidValue',
      'name.givenName',
    ],
    [
      'an email without value',
      { userName: 'a', emails: [{ type: 'work' }] },
      'invalidValue',
      'emails[0].value',
    ],
    [
      'an email that is no address',
      { userName: 'a', emails: [{ value: 'ada' }] },
      'invalidValue',
      'emails.value',
    ],
    [
      'two primary emails',
      {
        userName: 'a',
        emails: [
          { value: 'a@x.test', primary: true },
          { value: 'b@x.test', primary: 'True' },
        ],
      },
      'invalidValue',
      'emails.primary',
    ],
  ])(
    'given %s, when parsed, then it is refused naming the attribute',
    (_case, body, scimType, attribute) => {
      const result = refusal(body);
      expect(result.scimType).toBe(scimType);
      expect(result.attribute).toBe(attribute);
      if (attribute) expect(result.message).toContain(String(attribute).split(/[.[]/)[0]);
    },
  );
});

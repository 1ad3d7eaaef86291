import { InvalidCommand } from '../shared/errors';
import { scimTypeOf } from './scim-errors';
import { parseUserFilter } from './scim-filter';

describe('parseUserFilter', () => {
  it.each([
    ['userName eq "ada@acme.test"', { attribute: 'userName', value: 'ada@acme.test' }],
    ['USERNAME EQ "Ada"', { attribute: 'userName', value: 'Ada' }],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"',
      { attribute: 'userName', value: 'a' },
    ],
    ['externalId eq "00u1"', { attribute: 'externalId', value: '00u1' }],
    ['emails.value eq "a@x.test"', { attribute: 'emails', value: 'a@x.test' }],
    ['emails eq "a@x.test"', { attribute: 'emails', value: 'a@x.test' }],
    ['emails[value eq "a@x.test"]', { attribute: 'emails', value: 'a@x.test' }],
    ['id eq "3f1c"', { attribute: 'id', value: '3f1c' }],
    ['userName eq "say \\"hi\\""', { attribute: 'userName', value: 'say "hi"' }],
  ])('given %s, when parsed, then it is an equality', (filter, expected) => {
    expect(parseUserFilter(filter)).toEqual(expected);
  });

  it.each([
    'userName sw "a"',
    'displayName eq "Ada"',
    'userName eq "a" and active eq true',
    'userName eq a',
    'userName eq "unterminated',
    '',
  ])('given %j, when parsed, then invalidFilter', (filter) => {
    let error: unknown;
    try {
      parseUserFilter(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidCommand);
    expect(scimTypeOf(error)).toBe('invalidFilter');
  });
});

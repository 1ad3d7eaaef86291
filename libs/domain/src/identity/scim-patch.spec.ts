import { InvalidCommand } from '../shared/errors';
import type { IdentityAttributes } from './identity.attributes';
import { scimTypeOf } from './scim-errors';
import { applyPatch, parsePatchRequest, parseUserPath } from './scim-patch';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const ada: IdentityAttributes = {
  externalId: 'okta-1',
  active: true,
  personal: {
    userName: 'ada@acme.test',
    name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
    displayName: 'Ada Lovelace',
    emails: [
      { value: 'ada@acme.test', type: 'work', primary: true },
      { value: 'ada@home.test', type: 'home', primary: false },
    ],
  },
};

/** Given Ada, when the PATCH body is applied, then… */
const patched = (...operations: unknown[]): IdentityAttributes =>
  applyPatch(ada, parsePatchRequest({ schemas: [PATCH_OP], Operations: operations }));

function refusal(run: () => unknown): { scimType: string | null; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof InvalidCommand)) throw error;
    return { scimType: scimTypeOf(error), message: error.message };
  }
  throw new Error('it was accepted');
}

describe('SCIM PATCH', () => {
  describe('active, in every shape IdPs send it', () => {
    it.each([
      ['RFC 7644, with a path', { op: 'replace', path: 'active', value: false }],
      ['Entra ID, capitalised op and "False"', { op: 'Replace', path: 'active', value: 'False' }],
      ['Okta, path-less value', { op: 'replace', value: { active: false } }],
      ['Entra ID, path-less with a string', { op: 'Replace', value: { active: 'false' } }],
      ['an attribute name in another case', { op: 'REPLACE', path: 'Active', value: 'FALSE' }],
      [
        'a URN-qualified path',
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:active', value: false },
      ],
      [
        'a value wrapped as [{ value }]',
        { op: 'Replace', path: 'active', value: [{ value: 'False' }] },
      ],
      ['add instead of replace', { op: 'Add', path: 'active', value: false }],
    ])(
      'given an active user, when %s sets active false, then the user is inactive',
      (_shape, operation) => {
        expect(patched(operation)).toEqual({ ...ada, active: false });
      },
    );

    it('given "True", when applied to an inactive user, then active', () => {
      const inactive = { ...ada, active: false };
      const ops = parsePatchRequest({
        Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
      });
      expect(applyPatch(inactive, ops).active).toBe(true);
    });
  });

  describe('path-less replace with plain and dotted keys', () => {
    it('given dotted keys and plain ones together, when applied, then each one lands where it names', () => {
      const result = patched({
        op: 'Replace',
        value: {
          'name.givenName': 'Augusta',
          'name.familyName': 'King',
          displayName: 'Augusta King',
          active: 'False',
        },
      });
      expect(result).toEqual({
        ...ada,
        active: false,
        personal: {
          ...ada.personal,
          displayName: 'Augusta King',
          name: { givenName: 'Augusta', familyName: 'King', formatted: 'Ada Lovelace' },
        },
      });
    });

    it('given a `name` object with only some parts, when replaced, then the parts left out stay (RFC 7644 §3.5.2.3)', () => {
      expect(
        patched({ op: 'replace', value: { name: { familyName: 'King' } } }).personal.name,
      ).toEqual({
        givenName: 'Ada',
        familyName: 'King',
        formatted: 'Ada Lovelace',
      });
    });

    it('given an echoed id, schemas and an enterprise attribute, when replaced, then they are ignored', () => {
      const result = patched({
        op: 'replace',
        value: {
          id: 'other',
          schemas: ['x'],
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'R&D',
          title: 'Countess',
          userName: 'augusta@acme.test',
        },
      });
      expect(result).toEqual({
        ...ada,
        personal: { ...ada.personal, userName: 'augusta@acme.test' },
      });
    });

    it('given a filtered email key (Entra ID), when replaced, then that email changes', () => {
      const result = patched({
        op: 'Replace',
        value: { 'emails[type eq "work"].value': 'ada@new.test' },
      });
      expect(result.personal.emails[0]).toEqual({
        value: 'ada@new.test',
        type: 'work',
        primary: true,
      });
    });
  });

  describe('single-valued attributes with a path', () => {
    it.each([
      ['userName', 'ada2@acme.test', { personal: { ...ada.personal, userName: 'ada2@acme.test' } }],
      ['displayName', 'A. L.', { personal: { ...ada.personal, displayName: 'A. L.' } }],
      ['externalId', 'okta-2', { externalId: 'okta-2' }],
      [
        'name.givenName',
        'Augusta',
        { personal: { ...ada.personal, name: { ...ada.personal.name, givenName: 'Augusta' } } },
      ],
      [
        'NAME.FORMATTED',
        'A. King',
        { personal: { ...ada.personal, name: { ...ada.personal.name, formatted: 'A. King' } } },
      ],
    ])('given a replace of %s, when applied, then only it changes', (path, value, change) => {
      expect(patched({ op: 'replace', path, value })).toEqual({ ...ada, ...change });
    });

    it('given a replace of the whole name with null, when applied, then every part is cleared', () => {
      expect(patched({ op: 'replace', path: 'name', value: null }).personal.name).toEqual({
        givenName: null,
        familyName: null,
        formatted: null,
      });
    });

    it.each([
      ['displayName', { personal: { ...ada.personal, displayName: null } }],
      ['externalId', { externalId: null }],
      [
        'name.familyName',
        { personal: { ...ada.personal, name: { ...ada.personal.name, familyName: null } } },
      ],
    ])('given a remove of %s, when applied, then it is unassigned', (path, change) => {
      expect(patched({ op: 'Remove', path })).toEqual({ ...ada, ...change });
    });
  });

  describe('emails', () => {
    it('given a replace of emails, when applied, then the list is the new one', () => {
      const emails = [{ value: 'only@acme.test', type: 'work', primary: true }];
      expect(patched({ op: 'replace', path: 'emails', value: emails }).personal.emails).toEqual(
        emails,
      );
    });

    it('given a path-less replace of emails, when applied, then the list is the new one', () => {
      const emails = [{ value: 'only@acme.test', type: 'work', primary: 'true' }];
      expect(patched({ op: 'replace', value: { emails } }).personal.emails).toEqual([
        { value: 'only@acme.test', type: 'work', primary: true },
      ]);
    });

    it('given an add of a new primary email, when applied, then it is appended and the old primary is not primary', () => {
      const result = patched({
        op: 'add',
        path: 'emails',
        value: [{ value: 'ada@lab.test', type: 'other', primary: true }],
      });
      expect(result.personal.emails).toEqual([
        { value: 'ada@acme.test', type: 'work', primary: false },
        { value: 'ada@home.test', type: 'home', primary: false },
        { value: 'ada@lab.test', type: 'other', primary: true },
      ]);
    });

    it('given an add of an email already there in another case, when applied, then it is not duplicated', () => {
      const result = patched({
        op: 'add',
        path: 'emails',
        value: { value: ' ADA@home.test ', type: 'personal' },
      });
      expect(result.personal.emails).toEqual([
        ada.personal.emails[0],
        { value: 'ada@home.test', type: 'personal', primary: false },
      ]);
    });

    it('given a replace of emails[type eq "work"].value, when applied, then only the work email changes', () => {
      const result = patched({
        op: 'Replace',
        path: 'emails[type eq "work"].value',
        value: 'ada@new.test',
      });
      expect(result.personal.emails).toEqual([
        { value: 'ada@new.test', type: 'work', primary: true },
        ada.personal.emails[1],
      ]);
    });

    it('given a type filter in another case, when applied, then it still matches (type is not caseExact)', () => {
      const result = patched({
        op: 'replace',
        path: 'emails[Type eq "WORK"].value',
        value: 'ada@new.test',
      });
      expect(result.personal.emails[0].value).toBe('ada@new.test');
    });

    it('given Entra ID adding emails[type eq "other"].value that does not exist, when applied, then it is created', () => {
      const result = patched({
        op: 'Add',
        path: 'emails[type eq "other"].value',
        value: 'ada@lab.test',
      });
      expect(result.personal.emails).toEqual([
        ...ada.personal.emails,
        { value: 'ada@lab.test', type: 'other', primary: false },
      ]);
    });

    it('given a replace of emails[type eq "work"] with an object, when applied, then its fields are set', () => {
      const result = patched({
        op: 'replace',
        path: 'emails[type eq "home"]',
        value: { value: 'ada@flat.test', primary: true },
      });
      expect(result.personal.emails).toEqual([
        { value: 'ada@acme.test', type: 'work', primary: false },
        { value: 'ada@flat.test', type: 'home', primary: true },
      ]);
    });

    it('given a replace of emails[primary eq true].value, when applied, then the primary email changes', () => {
      const result = patched({
        op: 'replace',
        path: 'emails[primary eq true].value',
        value: 'ada@primary.test',
      });
      expect(result.personal.emails[0]).toEqual({
        value: 'ada@primary.test',
        type: 'work',
        primary: true,
      });
    });

    it('given a remove by value filter, when applied, then that email is gone', () => {
      const result = patched({ op: 'remove', path: 'emails[value eq "ADA@home.test"]' });
      expect(result.personal.emails).toEqual([ada.personal.emails[0]]);
    });

    it('given a remove of emails[type eq "work"].value, when applied, then the work email is gone', () => {
      expect(
        patched({ op: 'Remove', path: 'emails[type eq "work"].value' }).personal.emails,
      ).toEqual([ada.personal.emails[1]]);
    });

    it('given a remove that matches nothing, when applied, then nothing changes (removal is idempotent)', () => {
      expect(patched({ op: 'remove', path: 'emails[type eq "other"]' })).toEqual(ada);
    });

    it('given a remove of emails[type eq "work"].type, when applied, then the email stays without a type', () => {
      expect(
        patched({ op: 'remove', path: 'emails[type eq "work"].type' }).personal.emails[0],
      ).toEqual({
        value: 'ada@acme.test',
        type: null,
        primary: true,
      });
    });

    it('given a remove of all emails, when applied, then there are none', () => {
      expect(patched({ op: 'remove', path: 'emails' }).personal.emails).toEqual([]);
    });

    it('given a replace of a type on an email that does not exist, when applied, then noTarget', () => {
      const result = refusal(() =>
        patched({ op: 'replace', path: 'emails[type eq "other"].type', value: 'x' }),
      );
      expect(result.scimType).toBe('noTarget');
    });
  });

  describe('operations in order', () => {
    it('given several operations, when applied, then each sees the result of the previous one', () => {
      const result = patched(
        { op: 'replace', path: 'userName', value: 'first' },
        { op: 'Replace', value: { userName: 'second', active: 'False' } },
        { op: 'Add', path: 'active', value: 'True' },
      );
      expect(result).toEqual({ ...ada, personal: { ...ada.personal, userName: 'second' } });
    });

    it('given attributes we do not keep, when applied, then nothing changes', () => {
      expect(
        patched(
          { op: 'replace', path: 'title', value: 'Countess' },
          { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '1' },
          {
            op: 'Replace',
            path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
            value: { value: 'x' },
          },
          { op: 'replace', path: 'name.middleName', value: 'B' },
        ),
      ).toEqual(ada);
    });
  });

  describe('refusals', () => {
    it.each([
      ['a body that is not an object', 'x', 'invalidSyntax', 'PatchOp'],
      [
        'the wrong schema',
        { schemas: ['urn:x'], Operations: [{ op: 'remove', path: 'title' }] },
        'invalidSyntax',
        'schemas',
      ],
      ['no Operations', { schemas: [PATCH_OP] }, 'invalidSyntax', 'Operations'],
      ['empty Operations', { Operations: [] }, 'invalidSyntax', 'Operations'],
      [
        'an unknown op',
        { Operations: [{ op: 'merge', path: 'active', value: true }] },
        'invalidSyntax',
        'Operations[0]: op',
      ],
      [
        'a remove without path',
        { Operations: [{ op: 'remove' }] },
        'noTarget',
        'Operations[0]: remove needs a path',
      ],
      [
        'a path-less replace of a string',
        { Operations: [{ op: 'replace', value: 'x' }] },
        'invalidValue',
        'object value',
      ],
      [
        'a replace without value',
        { Operations: [{ op: 'replace', path: 'displayName' }] },
        'invalidValue',
        'needs a value',
      ],
      [
        'a malformed path',
        { Operations: [{ op: 'replace', path: 'name..x', value: 1 }] },
        'invalidPath',
        'name..x',
      ],
      [
        'an unknown attribute',
        { Operations: [{ op: 'replace', path: 'shoeSize', value: 1 }] },
        'invalidPath',
        'shoeSize',
      ],
      [
        'an unknown name part',
        { Operations: [{ op: 'replace', path: 'name.nick', value: 'x' }] },
        'invalidPath',
        'nick',
      ],
      [
        'a filter on a single value',
        { Operations: [{ op: 'replace', path: 'userName[type eq "x"]', value: 'x' }] },
        'invalidPath',
        'not multi-valued',
      ],
      [
        'emails.value without a filter',
        { Operations: [{ op: 'replace', path: 'emails.value', value: 'a@x.test' }] },
        'invalidPath',
        'which email',
      ],
      [
        'an unsupported email filter',
        {
          Operations: [{ op: 'replace', path: 'emails[display co "x"].value', value: 'a@x.test' }],
        },
        'invalidFilter',
        'display co',
      ],
      [
        'an id path',
        { Operations: [{ op: 'replace', path: 'id', value: 'x' }] },
        'mutability',
        'read-only',
      ],
      [
        'a remove of userName',
        { Operations: [{ op: 'remove', path: 'userName' }] },
        'invalidValue',
        'userName',
      ],
      [
        'a blank userName',
        { Operations: [{ op: 'replace', value: { userName: ' ' } }] },
        'invalidValue',
        'userName',
      ],
      [
        'a remove of active',
        { Operations: [{ op: 'remove', path: 'active' }] },
        'invalidValue',
        'active',
      ],
      [
        'active "Nope"',
        { Operations: [{ op: 'Replace', path: 'active', value: 'Nope' }] },
        'invalidValue',
        'active must be a boolean',
      ],
      [
        'a numeric displayName',
        { Operations: [{ op: 'replace', value: { displayName: 7 } }] },
        'invalidValue',
        'displayName must be a string',
      ],
      [
        'the second operation bad',
        { Operations: [{ op: 'replace', path: 'active', value: true }, { op: 'x' }] },
        'invalidSyntax',
        'Operations[1]',
      ],
    ])('given %s, when parsed, then %s naming it', (_case, body, scimType, mentioned) => {
      const result = refusal(() => parsePatchRequest(body));
      expect(result.scimType).toBe(scimType);
      expect(result.message).toContain(mentioned);
    });

    it('given a patch that leaves two primary emails, when applied, then invalidValue', () => {
      const result = refusal(() =>
        patched({
          op: 'replace',
          path: 'emails',
          value: [
            { value: 'a@x.test', primary: true },
            { value: 'b@x.test', primary: true },
          ],
        }),
      );
      expect(result.scimType).toBe('invalidValue');
    });
  });

  describe('parseUserPath', () => {
    it.each([
      ['userName', { attribute: 'userName' }],
      ['name', { attribute: 'name', subAttribute: null }],
      ['name.givenName', { attribute: 'name', subAttribute: 'givenName' }],
      ['emails', { attribute: 'emails', selector: null, subAttribute: null }],
      [
        'emails[type eq "work"].value',
        {
          attribute: 'emails',
          selector: { attribute: 'type', value: 'work' },
          subAttribute: 'value',
        },
      ],
      [
        'emails[primary eq "True"]',
        {
          attribute: 'emails',
          selector: { attribute: 'primary', value: true },
          subAttribute: null,
        },
      ],
      ['phoneNumbers', { attribute: 'ignored', name: 'phoneNumbers' }],
      ['meta', { attribute: 'readOnly', name: 'meta' }],
    ])('given %s, when parsed, then it resolves', (path, expected) => {
      expect(parseUserPath(path)).toEqual(expected);
    });
  });
});

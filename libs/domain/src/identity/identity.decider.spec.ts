import { fold } from '../shared/decider';
import { Conflict, InvalidCommand, NotFound } from '../shared/errors';
import type { IdentityPersonalData } from './identity.attributes';
import type { IdentityCommand } from './identity.commands';
import { identityDecider as d } from './identity.decider';
import type { IdentityEvent } from './identity.events';
import { parsePatchRequest } from './scim-patch';
import type { ScimUserInput } from './scim-user.parser';

const ref = { identityId: 'i1', workspaceId: 'w1' };
const ada: IdentityPersonalData = {
  userName: 'ada@acme.test',
  name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
  displayName: 'Ada Lovelace',
  emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
};
const provisioned: IdentityEvent = {
  type: 'IdentityProvisioned',
  data: { ...ref, externalId: 'okta-1', active: true, personal: ada },
};
const deactivated: IdentityEvent = {
  type: 'IdentityDeprovisioned',
  data: { ...ref, reason: 'deactivated' },
};
const deleted: IdentityEvent = {
  type: 'IdentityDeprovisioned',
  data: { ...ref, reason: 'deleted' },
};

const user = (over: Partial<ScimUserInput> = {}): ScimUserInput => ({
  externalId: 'okta-1',
  active: true,
  personal: ada,
  ...over,
});
const patch = (...operations: object[]): IdentityCommand => ({
  type: 'PatchIdentity',
  ...ref,
  operations: parsePatchRequest({ Operations: operations }),
});
const when = (given: IdentityEvent[], command: IdentityCommand) =>
  d.decide(command, fold(d, given));

describe('identity decider', () => {
  describe('provisioning', () => {
    it('given nothing, when provisioned, then IdentityProvisioned with the personal data under `personal`', () => {
      expect(when([], { type: 'ProvisionIdentity', ...ref, user: user() })).toEqual([provisioned]);
    });

    it('given nothing, when provisioned without `active`, then it is active', () => {
      const [event] = when([], { type: 'ProvisionIdentity', ...ref, user: user({ active: null }) });
      expect(event).toMatchObject({ type: 'IdentityProvisioned', data: { active: true } });
    });

    it('given nothing, when provisioned with active=false, then one IdentityProvisioned that is inactive', () => {
      const events = when([], { type: 'ProvisionIdentity', ...ref, user: user({ active: false }) });
      expect(events).toEqual([{ ...provisioned, data: { ...provisioned.data, active: false } }]);
    });

    it('given an identity, when provisioned again with its id, then Conflict', () => {
      expect(() =>
        when([provisioned], { type: 'ProvisionIdentity', ...ref, user: user() }),
      ).toThrow(Conflict);
    });

    it('given nothing, when provisioned with two primary emails, then it is refused', () => {
      const emails = [
        { value: 'a@x.test', type: 'work', primary: true },
        { value: 'b@x.test', type: 'home', primary: true },
      ];
      const command: IdentityCommand = {
        type: 'ProvisionIdentity',
        ...ref,
        user: user({ personal: { ...ada, emails } }),
      };
      expect(() => when([], command)).toThrow(InvalidCommand);
    });
  });

  describe('replace (PUT)', () => {
    it('given an identity, when replaced with the same attributes, then nothing happens', () => {
      expect(when([provisioned], { type: 'ReplaceIdentity', ...ref, user: user() })).toEqual([]);
    });

    it('given an identity, when replaced with new emails, then IdentityUpdated carries only the changed ones', () => {
      const emails = [{ value: 'ada@new.test', type: 'work', primary: true }];
      const events = when([provisioned], {
        type: 'ReplaceIdentity',
        ...ref,
        user: user({ personal: { ...ada, emails } }),
      });
      expect(events).toEqual([
        { type: 'IdentityUpdated', data: { ...ref, changed: ['emails'], personal: { emails } } },
      ]);
    });

    it('given an identity, when replaced without name and externalId, then both are cleared', () => {
      const events = when([provisioned], {
        type: 'ReplaceIdentity',
        ...ref,
        user: user({
          externalId: null,
          personal: { ...ada, name: { givenName: null, familyName: null, formatted: null } },
        }),
      });
      expect(events).toEqual([
        {
          type: 'IdentityUpdated',
          data: {
            ...ref,
            changed: ['externalId', 'name'],
            externalId: null,
            personal: { name: { givenName: null, familyName: null, formatted: null } },
          },
        },
      ]);
    });

    it('given an active identity, when replaced with active=false and a new name, then updated, then deprovisioned', () => {
      const events = when([provisioned], {
        type: 'ReplaceIdentity',
        ...ref,
        user: user({ active: false, personal: { ...ada, displayName: 'A. L.' } }),
      });
      expect(events.map((e) => e.type)).toEqual(['IdentityUpdated', 'IdentityDeprovisioned']);
      expect(events[1]).toEqual(deactivated);
    });

    it('given a deactivated identity, when replaced without `active`, then it stays deactivated', () => {
      expect(
        when([provisioned, deactivated], {
          type: 'ReplaceIdentity',
          ...ref,
          user: user({ active: null }),
        }),
      ).toEqual([]);
    });

    it('given a deactivated identity, when replaced with active=true, then IdentityReactivated', () => {
      expect(
        when([provisioned, deactivated], { type: 'ReplaceIdentity', ...ref, user: user() }),
      ).toEqual([{ type: 'IdentityReactivated', data: ref }]);
    });

    it('given an identity of another workspace, when replaced, then NotFound', () => {
      expect(() =>
        when([provisioned], {
          type: 'ReplaceIdentity',
          identityId: 'i1',
          workspaceId: 'w2',
          user: user(),
        }),
      ).toThrow(NotFound);
    });

    it('given nothing, when replaced, then NotFound', () => {
      expect(() => when([], { type: 'ReplaceIdentity', ...ref, user: user() })).toThrow(NotFound);
    });
  });

  describe('patch', () => {
    it('given an active identity, when patched active "False" (Entra ID), then IdentityDeprovisioned deactivated', () => {
      expect(when([provisioned], patch({ op: 'Replace', path: 'active', value: 'False' }))).toEqual(
        [deactivated],
      );
    });

    it('given a deactivated identity, when patched active=false again, then nothing happens', () => {
      expect(
        when([provisioned, deactivated], patch({ op: 'replace', value: { active: false } })),
      ).toEqual([]);
    });

    it('given a deactivated identity, when patched active "True", then IdentityReactivated', () => {
      expect(
        when([provisioned, deactivated], patch({ op: 'Replace', path: 'active', value: 'True' })),
      ).toEqual([{ type: 'IdentityReactivated', data: ref }]);
    });

    it('given an identity, when the given name is replaced by a dotted key, then only name changes', () => {
      const events = when(
        [provisioned],
        patch({ op: 'Replace', value: { 'name.givenName': 'Augusta' } }),
      );
      expect(events).toEqual([
        {
          type: 'IdentityUpdated',
          data: {
            ...ref,
            changed: ['name'],
            personal: { name: { ...ada.name, givenName: 'Augusta' } },
          },
        },
      ]);
    });

    it('given an identity, when a patch removes userName, then it is refused and nothing is decided', () => {
      expect(() => when([provisioned], patch({ op: 'remove', path: 'userName' }))).toThrow(
        InvalidCommand,
      );
    });

    it('given an identity, when a patch leaves an invalid email, then it is refused', () => {
      expect(() =>
        when(
          [provisioned],
          patch({ op: 'replace', path: 'emails[type eq "work"].value', value: 'not-an-email' }),
        ),
      ).toThrow(/emails\[0\]\.value must be an email address/);
    });

    it('given a deleted identity, when patched, then NotFound', () => {
      expect(() =>
        when([provisioned, deleted], patch({ op: 'replace', path: 'active', value: true })),
      ).toThrow(NotFound);
    });
  });

  describe('delete', () => {
    it('given an active identity, when deleted, then IdentityDeprovisioned deleted', () => {
      expect(when([provisioned], { type: 'DeleteIdentity', ...ref })).toEqual([deleted]);
    });

    it('given a deactivated identity, when deleted, then it is still marked deleted', () => {
      const events = when([provisioned, deactivated], { type: 'DeleteIdentity', ...ref });
      expect(events).toEqual([deleted]);
      expect(fold(d, [provisioned, deactivated, ...events]).deleted).toBe(true);
    });

    it('given a deleted identity, when deleted again, then NotFound', () => {
      expect(() => when([provisioned, deleted], { type: 'DeleteIdentity', ...ref })).toThrow(
        NotFound,
      );
    });
  });

  describe('evolve', () => {
    it('given updates and status changes, then the state holds the latest attributes', () => {
      const updated: IdentityEvent = {
        type: 'IdentityUpdated',
        data: {
          ...ref,
          changed: ['userName', 'externalId'],
          externalId: null,
          personal: { userName: 'ada2' },
        },
      };
      const state = fold(d, [
        provisioned,
        updated,
        deactivated,
        { type: 'IdentityReactivated', data: ref },
      ]);
      expect(state).toEqual({
        ...ref,
        deleted: false,
        guest: null,
        attributes: { externalId: null, active: true, personal: { ...ada, userName: 'ada2' } },
      });
    });
  });
});

import { fold } from '../shared/decider';
import { InvalidCommand } from '../shared/errors';
import {
  MAX_NOTIFICATION_RECIPIENTS,
  workspaceSettingsDecider as d,
} from './workspace-settings.decider';
import type { WorkspaceSettingsEvent } from './workspace-settings.events';

const changed = (...emails: string[]): WorkspaceSettingsEvent => ({
  type: 'NotificationRecipientsChanged',
  data: { workspaceId: 'w1', personal: { emails } },
});
const set = (...emails: string[]) =>
  ({ type: 'SetNotificationRecipients', workspaceId: 'w1', emails }) as const;

describe('workspace settings decider', () => {
  it('given no recipients, when set, then the list is recorded trimmed, each address once whatever its case', () => {
    expect(
      d.decide(set(' Sec@Acme.test ', 'it@acme.test', 'sec@acme.TEST'), d.initialState),
    ).toEqual([changed('Sec@Acme.test', 'it@acme.test')]);
  });

  it('given the same list, when set again, then nothing is recorded', () => {
    const state = fold(d, [changed('sec@acme.test', 'it@acme.test')]);
    expect(d.decide(set('sec@acme.test', 'it@acme.test'), state)).toEqual([]);
  });

  it('given recipients, when set to none, then the empty list is recorded', () => {
    const state = fold(d, [changed('sec@acme.test')]);
    expect(d.decide(set(), state)).toEqual([changed()]);
  });

  it('given too many distinct addresses, when set, then it is refused naming emails', () => {
    const many = Array.from({ length: MAX_NOTIFICATION_RECIPIENTS + 1 }, (_, i) => `p${i}@a.test`);
    expect(() => d.decide(set(...many), d.initialState)).toThrow(InvalidCommand);
    // The same address many times is one recipient.
    const same = Array.from({ length: 60 }, () => 'p@a.test');
    expect(d.decide(set(...same), d.initialState)).toEqual([changed('p@a.test')]);
  });
});

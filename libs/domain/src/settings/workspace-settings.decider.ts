import type { Decider } from '../shared/decider';
import { InvalidCommand } from '../shared/errors';
import { normalizeEmail } from '../shared/ids';
import type { WorkspaceSettingsEvent } from './workspace-settings.events';

/** More than this many recipients is a mailing list's job, not this setting's. */
export const MAX_NOTIFICATION_RECIPIENTS = 50;

export type WorkspaceSettingsCommand = {
  type: 'SetNotificationRecipients';
  workspaceId: string;
  emails: readonly string[];
};

export interface WorkspaceSettingsState {
  notificationEmails: string[];
}

/**
 * The recipients as given, trimmed, each address once whatever its case (the first spelling
 * is kept, as people type their names).
 */
export function distinctEmails(emails: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const email of emails) {
    const key = normalizeEmail(email);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(email.trim());
  }
  return out;
}

export const workspaceSettingsDecider: Decider<
  WorkspaceSettingsCommand,
  WorkspaceSettingsEvent,
  WorkspaceSettingsState
> = {
  initialState: { notificationEmails: [] },

  evolve(state, event) {
    switch (event.type) {
      case 'NotificationRecipientsChanged':
        return { ...state, notificationEmails: event.data.personal.emails };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'SetNotificationRecipients': {
        const emails = distinctEmails(command.emails);
        if (emails.length > MAX_NOTIFICATION_RECIPIENTS) {
          throw new InvalidCommand(
            `emails must list at most ${MAX_NOTIFICATION_RECIPIENTS} addresses`,
            { field: 'emails' },
          );
        }
        const same =
          emails.length === state.notificationEmails.length &&
          emails.every((e, i) => e === state.notificationEmails[i]);
        if (same) return [];
        return [
          {
            type: 'NotificationRecipientsChanged',
            data: { workspaceId: command.workspaceId, personal: { emails } },
          },
        ];
      }
    }
  },
};

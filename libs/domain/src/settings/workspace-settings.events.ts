import type { DomainEvent } from '../shared/decider';

/** The workspace's notification recipients, the whole list as it now stands. */
export type NotificationRecipientsChanged = DomainEvent<
  'NotificationRecipientsChanged',
  { workspaceId: string; personal: { emails: string[] } }
>;

export type WorkspaceSettingsEvent = NotificationRecipientsChanged;

export const workspaceSettingsStream = (workspaceId: string): string =>
  `workspaceSettings-${workspaceId}`;

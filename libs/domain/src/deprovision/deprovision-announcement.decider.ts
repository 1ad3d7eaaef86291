import type { Decider } from '../shared/decider';
import type { DeprovisionReportEvent } from './deprovision.events';

export type DeprovisionAnnouncementCommand = {
  type: 'AnnounceDeprovisionReport';
  integrationId: string;
  memberIds: readonly string[];
  notificationId: string;
  delivered: boolean;
};

export interface DeprovisionAnnouncementState {
  /** The messages that already announced items of this report. */
  notificationIds: ReadonlySet<string>;
}

/**
 * The announcements on a report's stream. One message announces once: the announcement of a
 * check replayed after a crash decides nothing. The stream's other events (the report's own
 * life) do not change what this decides.
 */
export const deprovisionAnnouncementDecider: Decider<
  DeprovisionAnnouncementCommand,
  DeprovisionReportEvent,
  DeprovisionAnnouncementState
> = {
  initialState: { notificationIds: new Set() },

  evolve(state, event) {
    if (event.type !== 'DeprovisionReportAnnounced') return state;
    return { notificationIds: new Set([...state.notificationIds, event.data.notificationId]) };
  },

  decide(command, state) {
    if (command.memberIds.length === 0) return [];
    if (state.notificationIds.has(command.notificationId)) return [];
    return [
      {
        type: 'DeprovisionReportAnnounced',
        data: {
          integrationId: command.integrationId,
          memberIds: [...command.memberIds],
          notificationId: command.notificationId,
          delivered: command.delivered,
        },
      },
    ];
  },
};

// PLACEHOLDER (i8-notify): core's deprovision decider (applies, announcements, verifications)
// replaces this; it keeps only the announcement, under core's names and command.
import type { Decider } from '../shared/decider';
import type { DeprovisionEvent } from './deprovision.events';

export type DeprovisionCommand = {
  type: 'AnnounceReport';
  integrationId: string;
  memberIds: string[];
  notificationId: string;
  delivered: boolean;
};

export interface DeprovisionState {
  integrationId: string | null;
  /** The notifications that already announced items of this report. */
  announcements: string[];
}

/**
 * The `deprovisionReport-<integrationId>` stream. One notification announces once: the
 * announcement of a check replayed after a crash decides nothing.
 */
export const deprovisionDecider: Decider<DeprovisionCommand, DeprovisionEvent, DeprovisionState> = {
  initialState: { integrationId: null, announcements: [] },

  evolve(state, event) {
    switch (event.type) {
      case 'DeprovisionReportAnnounced':
        return {
          ...state,
          integrationId: event.data.integrationId,
          announcements: [...state.announcements, event.data.notificationId],
        };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'AnnounceReport': {
        if (state.announcements.includes(command.notificationId)) return [];
        const { type: _type, ...data } = command;
        return [{ type: 'DeprovisionReportAnnounced', data }];
      }
    }
  },
};

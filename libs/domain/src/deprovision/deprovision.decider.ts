import type { Decider } from '../shared/decider';
import { InvalidCommand } from '../shared/errors';
import type { DeprovisionEvent } from './deprovision.events';

export type DeprovisionCommand =
  | {
      type: 'ApplyReport';
      integrationId: string;
      applyId: string;
      memberIds: string[];
      taskIds: string[];
      confirmMassRemoval: boolean;
      appliedBy: string;
    }
  | {
      type: 'AnnounceReport';
      integrationId: string;
      memberIds: string[];
      notificationId: string;
      delivered: boolean;
    }
  | { type: 'RequestVerification'; applyId: string; taskId: string };

export interface ApplyState {
  memberIds: string[];
  taskIds: string[];
  /** The check asked for once the apply's removals ended; null until then. */
  verificationTaskId: string | null;
}

export interface DeprovisionState {
  integrationId: string | null;
  applies: Record<string, ApplyState>;
  announcements: string[];
}

const initialState: DeprovisionState = { integrationId: null, applies: {}, announcements: [] };

/** The `deprovisionReport-<integrationId>` stream: applies, announcements, verifications. */
export const deprovisionDecider: Decider<DeprovisionCommand, DeprovisionEvent, DeprovisionState> = {
  initialState,

  evolve(state, event) {
    switch (event.type) {
      case 'DeprovisionReportApplied':
        return {
          ...state,
          integrationId: event.data.integrationId,
          applies: {
            ...state.applies,
            [event.data.applyId]: {
              memberIds: event.data.memberIds,
              taskIds: event.data.taskIds,
              verificationTaskId: null,
            },
          },
        };
      case 'DeprovisionReportAnnounced':
        return {
          ...state,
          integrationId: event.data.integrationId,
          announcements: [...state.announcements, event.data.notificationId],
        };
      case 'DeprovisionVerificationRequested': {
        const apply = state.applies[event.data.applyId];
        if (!apply) return state;
        return {
          ...state,
          applies: {
            ...state.applies,
            [event.data.applyId]: { ...apply, verificationTaskId: event.data.taskId },
          },
        };
      }
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ApplyReport': {
        if (state.applies[command.applyId]) return [];
        if (command.memberIds.length !== command.taskIds.length)
          throw new InvalidCommand('an apply needs one task per member');
        const { type: _type, ...data } = command;
        return [{ type: 'DeprovisionReportApplied', data }];
      }
      case 'AnnounceReport': {
        if (state.announcements.includes(command.notificationId)) return [];
        const { type: _type, ...data } = command;
        return [{ type: 'DeprovisionReportAnnounced', data }];
      }
      case 'RequestVerification': {
        const apply = state.applies[command.applyId];
        if (!apply || apply.verificationTaskId !== null || !state.integrationId) return [];
        return [
          {
            type: 'DeprovisionVerificationRequested',
            data: {
              integrationId: state.integrationId,
              applyId: command.applyId,
              taskId: command.taskId,
            },
          },
        ];
      }
    }
  },
};

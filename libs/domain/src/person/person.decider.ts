import type { Decider } from '../shared/decider';
import type { PersonErased, PersonEvent } from './person.events';

export type PersonCommand = { type: 'ErasePerson' } & PersonErased['data'];

export interface PersonState {
  erased: boolean;
  linkedPersonIds: string[];
}

/**
 * One tombstone per person: erasing again records nothing new unless it reaches a key the
 * first erasure did not (a stream's person learned since), so re-running an erasure converges.
 */
export const personDecider: Decider<PersonCommand, PersonEvent, PersonState> = {
  initialState: { erased: false, linkedPersonIds: [] },
  evolve(state, event) {
    switch (event.type) {
      case 'PersonErased':
        return {
          erased: true,
          linkedPersonIds: [...new Set([...state.linkedPersonIds, ...event.data.linkedPersonIds])],
        };
    }
    return state;
  },
  decide(command, state) {
    const known = new Set(state.linkedPersonIds);
    const fresh = command.linkedPersonIds.filter((id) => !known.has(id));
    if (state.erased && fresh.length === 0) return [];
    return [
      {
        type: 'PersonErased',
        data: { personId: command.personId, reason: command.reason, linkedPersonIds: fresh },
      },
    ];
  },
};

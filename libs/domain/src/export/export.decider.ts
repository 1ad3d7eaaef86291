import type { Decider } from '../shared/decider';
import { Conflict } from '../shared/errors';
import type { EvidenceExportRequested, ExportEvent } from './export.events';

export type ExportCommand = { type: 'RequestExport' } & EvidenceExportRequested['data'];

export interface ExportState {
  requested: EvidenceExportRequested['data'] | null;
}

/** An export is recorded once; its id is never reused for other evidence. */
export const exportDecider: Decider<ExportCommand, ExportEvent, ExportState> = {
  initialState: { requested: null },
  evolve(state, event) {
    switch (event.type) {
      case 'EvidenceExportRequested':
        return { requested: event.data };
    }
    return state;
  },
  decide(command, state) {
    if (state.requested) throw new Conflict(`export ${command.exportId} already exists`);
    const { type: _type, ...data } = command;
    return [{ type: 'EvidenceExportRequested', data }];
  },
};

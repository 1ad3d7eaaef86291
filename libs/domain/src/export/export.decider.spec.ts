import { Conflict } from '../shared/errors';
import { fold } from '../shared/decider';
import { exportDecider, type ExportCommand } from './export.decider';

const request: ExportCommand = {
  type: 'RequestExport',
  exportId: '5f0c6f1e-3c1d-4c1b-9d7e-1a2b3c4d5e6f',
  kind: 'access_at',
  params: { integrationId: 'i-1' },
  format: 'csv',
  formatVersion: 1,
  position: '42',
  sha256: 'ab'.repeat(32),
  bytes: 120,
};

describe('export decider', () => {
  it('given nothing, when an export is requested, then it is recorded with its digest', () => {
    const events = exportDecider.decide(request, exportDecider.initialState);
    const { type: _type, ...data } = request;
    expect(events).toEqual([{ type: 'EvidenceExportRequested', data }]);
  });

  it('given a recorded export, when the same id is requested again, then it is a conflict', () => {
    const state = fold(exportDecider, exportDecider.decide(request, exportDecider.initialState));
    expect(() => exportDecider.decide(request, state)).toThrow(Conflict);
  });
});

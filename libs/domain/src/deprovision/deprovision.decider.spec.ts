import { fold } from '../shared/decider';
import { InvalidCommand } from '../shared/errors';
import { type DeprovisionCommand, deprovisionDecider as d } from './deprovision.decider';
import type { DeprovisionEvent } from './deprovision.events';

const given = (...events: DeprovisionEvent[]) => fold(d, events);
const when = (events: DeprovisionEvent[], command: DeprovisionCommand) =>
  d.decide(command, given(...events));
const apply: DeprovisionCommand = {
  type: 'ApplyReport',
  integrationId: 'i1',
  applyId: 'a1',
  memberIds: ['m1', 'm2'],
  taskIds: ['t1', 't2'],
  confirmMassRemoval: true,
  appliedBy: 'admin',
};

describe('deprovision report', () => {
  it('given no apply, when applied, then DeprovisionReportApplied with members, tasks and who confirmed', () => {
    expect(when([], apply)).toEqual([
      {
        type: 'DeprovisionReportApplied',
        data: {
          integrationId: 'i1',
          applyId: 'a1',
          memberIds: ['m1', 'm2'],
          taskIds: ['t1', 't2'],
          confirmMassRemoval: true,
          appliedBy: 'admin',
        },
      },
    ]);
  });

  it('given the same apply recorded (a retry), when applied again, then nothing', () => {
    expect(when(when([], apply), apply)).toEqual([]);
  });

  it('given members and tasks that do not pair up, when applied, then refused', () => {
    expect(() => when([], { ...apply, taskIds: ['t1'] })).toThrow(InvalidCommand);
  });

  it('given an apply, when its verification is requested twice, then one DeprovisionVerificationRequested', () => {
    const applied = when([], apply);
    const first = when(applied, { type: 'RequestVerification', applyId: 'a1', taskId: 'c1' });
    expect(first).toEqual([
      {
        type: 'DeprovisionVerificationRequested',
        data: { integrationId: 'i1', applyId: 'a1', taskId: 'c1' },
      },
    ]);
    expect(
      when([...applied, ...first], { type: 'RequestVerification', applyId: 'a1', taskId: 'c2' }),
    ).toEqual([]);
    expect(when([], { type: 'RequestVerification', applyId: 'zz', taskId: 'c1' })).toEqual([]);
  });

  it('given an announcement recorded, when the same notification announces again, then nothing', () => {
    const announce: DeprovisionCommand = {
      type: 'AnnounceReport',
      integrationId: 'i1',
      memberIds: ['m1'],
      notificationId: 'n1',
      delivered: false,
    };
    const first = when([], announce);
    expect(first).toHaveLength(1);
    expect(when(first, announce)).toEqual([]);
  });
});

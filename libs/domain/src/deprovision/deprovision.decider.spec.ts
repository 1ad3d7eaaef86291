// PLACEHOLDER (i8-notify): core's spec of the whole deprovision decider replaces this one.
import { fold } from '../shared/decider';
import { deprovisionDecider as d } from './deprovision.decider';
import type { DeprovisionEvent } from './deprovision.events';

const announce = (notificationId: string, memberIds: string[], delivered = true) =>
  ({
    type: 'AnnounceReport',
    integrationId: 'i1',
    memberIds,
    notificationId,
    delivered,
  }) as const;
const announced = (notificationId: string, memberIds: string[], delivered = true) =>
  ({
    type: 'DeprovisionReportAnnounced',
    data: { integrationId: 'i1', memberIds, notificationId, delivered },
  }) as DeprovisionEvent;

describe('deprovision decider: announcements', () => {
  it('given no announcement, when pending items are announced, then DeprovisionReportAnnounced', () => {
    expect(d.decide(announce('n1', ['m1', 'm2'], false), d.initialState)).toEqual([
      announced('n1', ['m1', 'm2'], false),
    ]);
  });

  it('given the notification already announced (a replay after a crash), when announced again, then nothing', () => {
    expect(d.decide(announce('n1', ['m1']), fold(d, [announced('n1', ['m1'])]))).toEqual([]);
  });

  it('given an earlier announcement, when another notification announces new items, then it is recorded', () => {
    expect(d.decide(announce('n2', ['m3']), fold(d, [announced('n1', ['m1'])]))).toEqual([
      announced('n2', ['m3']),
    ]);
  });
});

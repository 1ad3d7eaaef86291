import { fold } from '../shared/decider';
import { deprovisionAnnouncementDecider as d } from './deprovision-announcement.decider';
import type { DeprovisionReportEvent } from './deprovision.events';

const announce = (notificationId: string, memberIds: string[], delivered = true) =>
  ({
    type: 'AnnounceDeprovisionReport',
    integrationId: 'i1',
    memberIds,
    notificationId,
    delivered,
  }) as const;
const announced = (notificationId: string, memberIds: string[], delivered = true) =>
  ({
    type: 'DeprovisionReportAnnounced',
    data: { integrationId: 'i1', memberIds, notificationId, delivered },
  }) as DeprovisionReportEvent;

describe('deprovision announcement decider', () => {
  it('given no announcement, when pending items are announced, then DeprovisionReportAnnounced', () => {
    expect(d.decide(announce('n1', ['m1', 'm2'], false), d.initialState)).toEqual([
      announced('n1', ['m1', 'm2'], false),
    ]);
  });

  it('given the message already announced (a replay after a crash), when announced again, then nothing', () => {
    expect(d.decide(announce('n1', ['m1']), fold(d, [announced('n1', ['m1'])]))).toEqual([]);
  });

  it('given an earlier announcement, when a new message announces new items, then it is recorded', () => {
    expect(d.decide(announce('n2', ['m3']), fold(d, [announced('n1', ['m1'])]))).toEqual([
      announced('n2', ['m3']),
    ]);
  });

  it('given nothing new, when announced, then nothing is recorded', () => {
    expect(d.decide(announce('n1', []), d.initialState)).toEqual([]);
  });
});

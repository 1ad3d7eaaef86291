import { type AbsentMember, decideDepartures, type DepartureQuestion } from './departures';

const whole = { complete: true, warnings: [] };
const absent = (n: number, removalByUs = false): AbsentMember[] =>
  Array.from({ length: n }, (_, i) => ({
    memberId: `${removalByUs ? 'ours' : 'm'}${i}`,
    removalByUs,
  }));
const ask = (q: Partial<DepartureQuestion>): DepartureQuestion => ({
  snapshot: whole,
  knownMembers: 20,
  absent: [],
  safeguardPercent: 20,
  confirmed: false,
  ...q,
});

describe('when an absence from a snapshot means a departure', () => {
  it('given a whole snapshot, when a few members are absent, then each is recorded as gone', () => {
    expect(decideDepartures(ask({ absent: absent(4) }))).toEqual({
      kind: 'record',
      memberIds: ['m0', 'm1', 'm2', 'm3'],
      safeguardOverridden: false,
    });
  });

  it('given a snapshot that is not complete, when members are absent, then none is gone: partial_snapshot', () => {
    const decision = decideDepartures(
      ask({
        snapshot: { complete: false, warnings: ['Employees said 20 people, 19 were read'] },
        absent: absent(1),
      }),
    );
    expect(decision).toEqual({
      kind: 'partial_snapshot',
      message:
        'the snapshot is not known to be complete (Employees said 20 people, 19 were read); ' +
        '1 member(s) not seen were not recorded as gone',
      details: { notSeen: 1, warnings: ['Employees said 20 people, 19 were read'] },
    });
  });

  it('given a snapshot that says complete but carries warnings, when no one is absent, then it is still partial', () => {
    const decision = decideDepartures(
      ask({ snapshot: { complete: true, warnings: ['member 7: 2 assets counted, 1 listed'] } }),
    );
    expect(decision.kind).toBe('partial_snapshot');
  });

  it('given a confirmation, when the snapshot is partial, then it still records no one', () => {
    const decision = decideDepartures(
      ask({ snapshot: { complete: false, warnings: [] }, absent: absent(1), confirmed: true }),
    );
    expect(decision.kind).toBe('partial_snapshot');
  });

  it('given a whole snapshot, when more than the safeguard would be gone, then none is: safeguard, with the numbers', () => {
    expect(decideDepartures(ask({ absent: absent(7) }))).toEqual({
      kind: 'safeguard',
      message:
        'would record 7 of 20 members (35%) as gone; the safeguard is 20%; confirm with confirmDepartures',
      details: {
        wouldRecordGone: 7,
        members: 20,
        percent: 35,
        safeguardPercent: 20,
        explainedByOurRemovals: 0,
      },
    });
  });

  it('given exactly the safeguard, when that many are gone, then they are recorded (more than, not as many as)', () => {
    expect(decideDepartures(ask({ absent: absent(4) })).kind).toBe('record');
    expect(decideDepartures(ask({ absent: absent(5) })).kind).toBe('safeguard');
  });

  it('given members we asked Pinterest to remove, when they are absent, then they do not count toward the safeguard', () => {
    const decision = decideDepartures(ask({ absent: [...absent(4), ...absent(6, true)] }));
    expect(decision).toMatchObject({ kind: 'record', safeguardOverridden: false });
    expect(decision.kind === 'record' && decision.memberIds).toHaveLength(10);
  });

  it("given an admin's confirmation, when more than the safeguard are gone, then they are recorded and it says so", () => {
    const decision = decideDepartures(ask({ absent: absent(7), confirmed: true }));
    expect(decision).toMatchObject({ kind: 'record', safeguardOverridden: true });
    expect(decision.kind === 'record' && decision.memberIds).toHaveLength(7);
  });

  it('given another threshold, when it is exceeded, then the message names it and the share to one decimal', () => {
    const decision = decideDepartures(
      ask({ knownMembers: 3, absent: absent(1), safeguardPercent: 10 }),
    );
    expect(decision.kind === 'safeguard' && decision.message).toBe(
      'would record 1 of 3 members (33.3%) as gone; the safeguard is 10%; confirm with confirmDepartures',
    );
    expect(decideDepartures(ask({ absent: absent(20), safeguardPercent: 100 })).kind).toBe(
      'record',
    );
  });
});

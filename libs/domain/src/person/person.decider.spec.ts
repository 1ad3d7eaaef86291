import { fold } from '../shared/decider';
import { personDecider, type PersonCommand } from './person.decider';

const erase = (linkedPersonIds: string[] = []): PersonCommand => ({
  type: 'ErasePerson',
  personId: 'p1',
  reason: 'art. 17 request',
  linkedPersonIds,
});

describe('person decider', () => {
  it('given nothing, when the person is erased, then a tombstone is recorded', () => {
    expect(personDecider.decide(erase(['p2']), personDecider.initialState)).toEqual([
      {
        type: 'PersonErased',
        data: { personId: 'p1', reason: 'art. 17 request', linkedPersonIds: ['p2'] },
      },
    ]);
  });

  it('given an erased person, when erased again with nothing new, then nothing is recorded', () => {
    const state = fold(
      personDecider,
      personDecider.decide(erase(['p2']), personDecider.initialState),
    );
    expect(personDecider.decide(erase(['p2']), state)).toEqual([]);
  });

  it('given an erased person, when a key linked since is reached, then only that key is recorded', () => {
    const state = fold(
      personDecider,
      personDecider.decide(erase(['p2']), personDecider.initialState),
    );
    expect(personDecider.decide(erase(['p2', 'p3']), state)).toEqual([
      {
        type: 'PersonErased',
        data: { personId: 'p1', reason: 'art. 17 request', linkedPersonIds: ['p3'] },
      },
    ]);
  });
});

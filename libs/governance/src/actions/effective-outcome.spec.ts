import { effectiveOutcome } from './member-actions.process';

describe('effectiveOutcome', () => {
  it('given a first attempt, when Pinterest says it was already done, then that is recorded as is', () => {
    expect(effectiveOutcome('already_absent', 1)).toBe('already_absent');
  });

  it('given a later attempt, when Pinterest says it was already done, then our cut-off attempt did it', () => {
    expect(effectiveOutcome('already_absent', 2)).toBe('removed');
    expect(effectiveOutcome('already_invited', 3)).toBe('invited');
    expect(effectiveOutcome('unchanged', 2)).toBe('changed');
    expect(effectiveOutcome('removed', 2)).toBe('removed');
  });
});

import { correlationOf } from './auth.guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('a request correlation', () => {
  it('given a plain x-correlation-id, then it is the request correlation', () => {
    expect(correlationOf({ 'x-correlation-id': ' ticket-42.retry:1 ' })).toBe('ticket-42.retry:1');
    expect(correlationOf({ 'x-correlation-id': ['first-1', 'second-2'] })).toBe('first-1');
  });

  it('given no header, or one that is not a plain token, then a new UUID each time', () => {
    const unfit = ['', 'two words', 'x'.repeat(129), '-leading-dash', 'line\nbreak', '{"json":1}'];
    for (const value of [undefined, ...unfit]) {
      expect(correlationOf({ 'x-correlation-id': value })).toMatch(UUID);
    }
    expect(correlationOf({})).not.toBe(correlationOf({}));
  });
});

import type { ArgumentMetadata } from '@nestjs/common';
import { apiValidationPipe, errorBody } from '@app/infrastructure';
import { ListMembersQuery } from './integration.dto';

const metadata: ArgumentMetadata = { type: 'query', metatype: ListMembersQuery };

/** The pipe's answer: the built query, or the error body it refuses with. */
async function answer(plainChecks: boolean, value: unknown): Promise<unknown> {
  try {
    const query = await apiValidationPipe({ plainChecks }).transform(value, metadata);
    return { instance: query instanceof ListMembersQuery, query: { ...(query as object) } };
  } catch (error) {
    return { refused: errorBody(error) };
  }
}

const long = (n: number) => 'x'.repeat(n);

describe('the tab page query: the plain check answers as class-validator does', () => {
  it.each<[string, Record<string, unknown>]>([
    ['nothing', {}],
    ['a tab', { tab: 'onboarded' }],
    ['every field', { tab: 'exempted', limit: '500', cursor: 'abc_-', search: '  Rosa  ' }],
    ['the smallest limit', { limit: '1' }],
    ['a limit with a leading zero', { limit: '050' }],
    ['a limit too large', { limit: '501' }],
    ['a limit of zero', { limit: '0' }],
    ['a limit that is no number', { limit: 'ten' }],
    ['a negative limit', { limit: '-5' }],
    ['a fractional limit', { limit: '2.5' }],
    ['an unknown tab', { tab: 'gone' }],
    ['an empty tab', { tab: '' }],
    ['an empty search', { search: '' }],
    ['a search of blanks', { search: '   ' }],
    ['a search at the limit once trimmed', { search: ` ${long(200)} ` }],
    ['a search over the limit', { search: long(201) }],
    ['a search of 200 surrogate pairs', { search: '😀'.repeat(200) }],
    ['a cursor at the limit', { cursor: long(2000) }],
    ['a cursor over the limit', { cursor: long(2001) }],
    ['an empty cursor', { cursor: '' }],
    ['an unknown field', { tab: 'unmatched', sort: 'name' }],
    ['a repeated field', { tab: ['unmatched', 'onboarded'] }],
  ])('given %s, when validated, then the same answer', async (_label, value) => {
    const plain = await answer(true, { ...value });
    const full = await answer(false, { ...value });
    expect(plain).toEqual(full);
  });

  it('given an ordinary page query, when validated, then the instance the handler reads', async () => {
    expect(await answer(true, { tab: 'onboarded', limit: '20', search: ' ann ' })).toEqual({
      instance: true,
      query: { tab: 'onboarded', limit: 20, search: 'ann' },
    });
  });
});

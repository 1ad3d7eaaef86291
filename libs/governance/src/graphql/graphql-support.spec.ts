import { BadRequestException } from '@nestjs/common';
import { GraphQLError, parse } from 'graphql';
import { Conflict } from '@app/domain';
import { InvalidCursor } from '@app/readmodels';
import { BatchLoader } from './batch-loader';
import { formatGraphqlError } from './graphql-errors';
import { operationDepth } from './limits';

describe('operationDepth', () => {
  it('given nested fields, fragments and inline fragments, then the deepest path counts', () => {
    const document = parse(`
      query Q { a { b { ...F } } x }
      fragment F on T { c { ... on U { d { e } } } }`);
    expect(operationDepth(document, 'Q')).toBe(5);
  });

  it('given introspection fields, then they are not counted', () => {
    expect(
      operationDepth(parse('{ __schema { types { fields { type { ofType { name } } } } } a }')),
    ).toBe(1);
  });

  it('given a fragment that spreads itself, then it is followed once (validation refuses it later)', () => {
    const document = parse('{ a { ...F } } fragment F on T { b { ...F } }');
    expect(operationDepth(document)).toBe(2);
  });
});

describe('formatGraphqlError', () => {
  const wrapped = (error: unknown) =>
    new GraphQLError('wrapped', { path: ['x'], originalError: error as Error });

  it('given a domain refusal, then REST’s message, status, code and details', () => {
    const error = new Conflict('member is exempted', { state: 'exempted' });
    expect(formatGraphqlError({ message: 'wrapped', path: ['x'] }, wrapped(error))).toEqual({
      message: 'member is exempted',
      path: ['x'],
      extensions: { code: 'CONFLICT', statusCode: 409, details: { state: 'exempted' } },
    });
  });

  it('given a validation error or a bad cursor, then BAD_USER_INPUT naming the field', () => {
    const validation = new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid reason: reason must not be empty',
      details: [{ field: 'reason', message: 'reason must not be empty' }],
    });
    expect(formatGraphqlError({ message: 'x' }, wrapped(validation)).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      statusCode: 400,
      details: [{ field: 'reason', message: 'reason must not be empty' }],
    });
    expect(formatGraphqlError({ message: 'x' }, wrapped(new InvalidCursor())).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      statusCode: 400,
      details: { field: 'cursor' },
    });
  });

  it('given an unexpected error, then it is masked and carries no stack', () => {
    const formatted = formatGraphqlError(
      { message: 'x', extensions: { stacktrace: ['at secret (/app/x.ts:1)'] } },
      wrapped(new Error('database password is hunter2')),
    );
    expect(formatted).toEqual({
      message: 'internal error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', statusCode: 500 },
    });
  });

  it('given GraphQL’s own error, then its message and code stay, without stack trace', () => {
    const own = new GraphQLError('Cannot query field "x"');
    expect(
      formatGraphqlError(
        {
          message: 'Cannot query field "x"',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at …'] },
        },
        own,
      ),
    ).toEqual({
      message: 'Cannot query field "x"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});

describe('BatchLoader', () => {
  it('given loads in the same tick, then one batch with each key once, and answers per key', async () => {
    const batches: string[][] = [];
    const loader = new BatchLoader<string>(async (keys) => {
      batches.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]));
    });
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map((k) => loader.load(k)));
    expect(answers).toEqual(['A', 'B', 'A', null]);
    expect(batches).toEqual([['a', 'b', 'missing']]);
    // when a key is asked again later, then it comes from the request's cache
    expect(await loader.load('b')).toBe('B');
    expect(batches).toHaveLength(1);
  });

  it('given a failing batch, then every load of it fails', async () => {
    const loader = new BatchLoader<string>(async () => {
      throw new Error('store down');
    });
    await expect(Promise.all([loader.load('a'), loader.load('b')])).rejects.toThrow('store down');
  });
});

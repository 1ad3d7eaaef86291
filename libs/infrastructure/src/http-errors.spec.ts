import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { InvalidCursor } from '@app/readmodels';
import { apiValidationPipe, errorBody, uuidParam } from './http-errors';
import { IsSafeText } from './validators';

class Inner {
  @IsString({ message: 'password must be a text' })
  @MinLength(1, { message: 'password must not be empty' })
  password!: string;
}

class Body {
  @IsString({ message: 'reason must be a text of 1-500 characters' })
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  @IsSafeText()
  reason!: string;

  @IsObject({ message: 'inner must be an object' })
  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

async function rejection(value: unknown): Promise<ReturnType<typeof errorBody>> {
  try {
    await apiValidationPipe().transform(value, { type: 'body', metatype: Body });
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return errorBody(error);
  }
  throw new Error('the value was accepted');
}

describe('API error answers', () => {
  it('given a missing value, when validated, then only the presence message', async () => {
    const body = await rejection({ inner: { password: 'p' } });
    expect(body.details).toEqual([{ field: 'reason', message: 'reason must not be empty' }]);
    expect(body.message).toBe('invalid reason: reason must not be empty');
  });

  it('given a value of the wrong type, when validated, then only the type message', async () => {
    const body = await rejection({ reason: 42, inner: { password: 'p' } });
    expect(body.details).toEqual([
      { field: 'reason', message: 'reason must be a text of 1-500 characters' },
    ]);
  });

  it('given a nested field, when validated, then it is named by its full path', async () => {
    const body = await rejection({ reason: 'r', inner: {} });
    expect(body.details).toEqual([
      { field: 'inner.password', message: 'inner.password must not be empty' },
    ]);
  });

  it('given a bidirectional override, when validated, then the safe-text message names the field', async () => {
    const body = await rejection({ reason: 'ok\u202Eko', inner: { password: 'p' } });
    expect(body.details).toEqual([
      {
        field: 'reason',
        message: 'reason must not contain control or bidirectional-override characters',
      },
    ]);
  });

  it('given an invalid cursor from the read models, then 400 naming cursor', () => {
    expect(errorBody(new InvalidCursor())).toMatchObject({
      statusCode: 400,
      details: { field: 'cursor' },
    });
  });

  it('given a path id that is not a UUID, then 400 naming the parameter; a UUID passes', () => {
    const id = '6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f';
    expect(uuidParam.transform(id, { type: 'param', data: 'memberId' })).toBe(id);
    expect(() => uuidParam.transform('42', { type: 'param', data: 'memberId' })).toThrow(
      'memberId must be a UUID',
    );
  });
});

import { applyDecorators } from '@nestjs/common';
import { Field } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { GraphQLScalarType, Kind } from 'graphql';

/**
 * Free-form JSON, for the few answers whose shape varies by kind (a task's summary, an error's
 * details). Output only: no argument takes it.
 */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value whose shape depends on its kind',
  serialize: (value) => value,
  parseValue: () => {
    throw new TypeError('JSON is an output type');
  },
  parseLiteral: (ast) => (ast.kind === Kind.NULL ? null : undefined),
});

export const JsonField = (spec: { nullable?: boolean; description?: string } = {}) =>
  applyDecorators(
    Field(() => JsonScalar, { nullable: spec.nullable === true, description: spec.description }),
    ApiProperty({
      type: 'object',
      additionalProperties: true,
      nullable: spec.nullable === true,
      description: spec.description,
    }),
  );

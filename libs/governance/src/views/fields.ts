import { applyDecorators } from '@nestjs/common';
import { Field, Float, ID, Int } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import type { GraphQLScalarType } from 'graphql';

/**
 * One declaration per field of an answer, read by both documents: GraphQL's code-first schema
 * (`@Field`) and the OpenAPI document (`@ApiProperty`). Types are always given explicitly:
 * swc keeps no type information for `string | null`, and no Nest CLI plugin runs.
 */
interface FieldSpec {
  description?: string;
  nullable?: boolean;
  /** REST's enum values (GraphQL keeps a plain String unless `gql` says otherwise). */
  enum?: readonly string[];
  example?: unknown;
}

type ClassRef = abstract new (...args: never[]) => object;

function both(
  gql: () => unknown,
  api: Record<string, unknown>,
  spec: FieldSpec,
  list = false,
): PropertyDecorator {
  const nullable = spec.nullable === true;
  return applyDecorators(
    Field(() => (list ? [gql()] : gql()) as GraphQLScalarType, {
      nullable,
      description: spec.description,
    }),
    ApiProperty({
      ...api,
      ...(list ? { isArray: true } : {}),
      nullable,
      required: true,
      description: spec.description,
      ...(spec.enum ? { enum: [...spec.enum] } : {}),
      ...(spec.example !== undefined ? { example: spec.example } : {}),
    }),
  );
}

export const TextField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => String, { type: String }, spec);
export const IdField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => ID, { type: String }, spec);
export const UuidField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => ID, { type: String, format: 'uuid' }, spec);
/** A UTC ISO instant, as a String in GraphQL too: the same text REST answers. */
export const InstantField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => String, { type: String, format: 'date-time' }, spec);
export const IntField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => Int, { type: 'integer' }, spec);
/** A number that may have a fraction (a median, a percentage). */
export const FloatField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => Float, { type: 'number' }, spec);
export const BoolField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => Boolean, { type: Boolean }, spec);
export const TextListField = (spec: FieldSpec = {}): PropertyDecorator =>
  both(() => String, { type: String }, spec, true);
export const ObjectField = (type: () => ClassRef, spec: FieldSpec = {}): PropertyDecorator =>
  both(type, { type }, spec);
export const ObjectListField = (type: () => ClassRef, spec: FieldSpec = {}): PropertyDecorator =>
  both(type, { type }, spec, true);

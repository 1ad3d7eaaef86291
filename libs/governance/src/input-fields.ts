import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { IsSafeText } from '@app/infrastructure';

/** Surrounding spaces are never meant: what a person pasted is what they typed. */
export const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** A person's email in a request body: trimmed, at most 320 characters (RFC 5321's limit). */
export const EmailInput = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type: String, format: 'email', maxLength: 320 }),
    Transform(trim),
    IsString({ message: 'email must be an email address' }),
    MaxLength(320, { message: 'email must be at most 320 characters' }),
    IsEmail({}, { message: 'email must be an email address' }),
  );

/** A person's name in a request body: 1–200 characters that read as what they are. */
export const PersonNameInput = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type: String, minLength: 1, maxLength: 200 }),
    Transform(trim),
    IsString({ message: 'name must be a text of 1-200 characters' }),
    MinLength(1, { message: 'name must not be empty' }),
    MaxLength(200, { message: 'name must be at most 200 characters' }),
    IsSafeText(),
  );

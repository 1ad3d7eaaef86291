import { ApiProperty } from '@nestjs/swagger';

/** One field a request got wrong. */
export class FieldErrorModel {
  @ApiProperty({ type: String, example: 'reason' }) field!: string;
  @ApiProperty({ type: String, example: 'reason must not be empty' }) message!: string;
}

/**
 * Every /api error: `{ statusCode, error, message, details? }`. `details` is a list of field
 * errors for a validation error, `{ field }` for a bad path id or cursor, `{ state }` or
 * `{ reason }` for an action that does not fit.
 */
export class ErrorBodyModel {
  @ApiProperty({ type: 'integer', example: 409 }) statusCode!: number;
  @ApiProperty({ type: String, example: 'Conflict' }) error!: string;
  @ApiProperty({ type: String }) message!: string;
  @ApiProperty({
    required: false,
    oneOf: [
      { type: 'array', items: { $ref: '#/components/schemas/FieldErrorModel' } },
      { type: 'object', additionalProperties: true },
    ],
  })
  details?: unknown;
}

/** SCIM's error body (RFC 7644 §3.12). */
export class ScimErrorModel {
  @ApiProperty({ type: [String], example: ['urn:ietf:params:scim:api:messages:2.0:Error'] })
  schemas!: string[];
  @ApiProperty({ type: String, example: '404' }) status!: string;
  @ApiProperty({ type: String, required: false, example: 'invalidValue' }) scimType?: string;
  @ApiProperty({ type: String }) detail!: string;
}

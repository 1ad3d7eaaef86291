import { BoolField, InstantField, ObjectField, ObjectListField, TextField } from '../views/fields';

export class PersonModel {
  @TextField() email!: string;
  @TextField() name!: string;
}

/** What a key or token answers once, at its creation or rotation. */
export class IssuedKeyModel {
  @TextField({ description: 'the key id (also the key’s prefix)' }) id!: string;
  @TextField() name!: string;
  @TextField({ enum: ['admin', 'operator', 'auditor'] }) role!: string;
  @ObjectField(() => PersonModel, { nullable: true }) person!: PersonModel | null;
  @TextField({ description: 'the secret: shown this once, never again' }) key!: string;
}

export class RotatedKeyModel extends IssuedKeyModel {
  @TextField({ description: 'the key this one replaces' }) replaces!: string;
  @InstantField({ description: 'until when the old key still works' }) oldKeyExpiresAt!: string;
}

export class KeyModel {
  @TextField() id!: string;
  @TextField() name!: string;
  @TextField({ enum: ['admin', 'operator', 'auditor'] }) role!: string;
  @ObjectField(() => PersonModel, { nullable: true }) person!: PersonModel | null;
  @BoolField({ description: 'stored as a bare SHA-256 (issued before peppered hashes): rotate it' })
  legacy!: boolean;
  @TextField({ enum: ['active', 'expiring', 'expired', 'revoked'] }) status!: string;
  @InstantField() createdAt!: string;
  @InstantField({ nullable: true }) revokedAt!: string | null;
  @InstantField({ nullable: true, description: 'a rotated key’s end of grace' })
  expiresAt!: string | null;
  @TextField({ nullable: true }) replacedBy!: string | null;
  @TextField({ nullable: true }) replaces!: string | null;
}

export class KeyListModel {
  @ObjectListField(() => KeyModel) items!: KeyModel[];
}

export class RevokedKeyModel {
  @TextField() id!: string;
  @TextField({ enum: ['revoked'] }) status!: string;
}

export class MeModel {
  @TextField() workspaceId!: string;
  @TextField() keyId!: string;
  @TextField({ description: 'the key’s name: the actor its events record' }) name!: string;
  @TextField({ enum: ['admin', 'operator', 'auditor'] }) role!: string;
  @ObjectField(() => PersonModel, { nullable: true }) person!: PersonModel | null;
}

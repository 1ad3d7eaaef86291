import { ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  InstantField,
  ObjectField,
  ObjectListField,
  TextField,
  UuidField,
} from './fields';

/** A directory identity, as `/api/identities` and GraphQL's `Member.identity` show it. */
@ObjectType('IdentityName')
export class IdentityNameModel {
  @TextField({ nullable: true }) givenName!: string | null;
  @TextField({ nullable: true }) familyName!: string | null;
  @TextField({ nullable: true }) formatted!: string | null;
}

@ObjectType('IdentityEmail')
export class IdentityEmailModel {
  @TextField() value!: string;
  @TextField({ nullable: true }) type!: string | null;
  @BoolField() primary!: boolean;
}

@ObjectType('IdentitySponsor')
export class IdentitySponsorModel {
  @UuidField() identityId!: string;
  @TextField({ nullable: true }) displayName!: string | null;
}

@ObjectType('Identity')
export class IdentityModel {
  @UuidField({ description: 'the SCIM resource id' }) id!: string;
  @TextField({
    enum: ['scim', 'guest'],
    description: 'the IdP over SCIM, or a guest an admin invited',
  })
  source!: string;
  @TextField() userName!: string;
  @TextField({ nullable: true }) externalId!: string | null;
  @ObjectField(() => IdentityNameModel) name!: IdentityNameModel;
  @TextField({ nullable: true }) displayName!: string | null;
  @ObjectListField(() => IdentityEmailModel) emails!: IdentityEmailModel[];
  @BoolField() active!: boolean;
  @TextField({ nullable: true, enum: ['guest', 'local_partner'] }) kind!: string | null;
  @ObjectField(() => IdentitySponsorModel, { nullable: true })
  sponsor!: IdentitySponsorModel | null;
  @InstantField({ nullable: true }) expiresAt!: string | null;
  @TextField({ nullable: true, description: 'why the identity is no longer active' })
  deprovisionReason!: string | null;
  @InstantField() createdAt!: string;
  @InstantField() updatedAt!: string;
}

export class IdentityPageModel {
  @ObjectListField(() => IdentityModel) items!: IdentityModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
}

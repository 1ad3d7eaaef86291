import { ObjectType } from '@nestjs/graphql';
import {
  InstantField,
  IntField,
  ObjectField,
  ObjectListField,
  TextField,
  TextListField,
  UuidField,
} from './fields';
import { JsonField } from './json.scalar';
import { MemberCountsModel, MemberModel } from './member.models';

/** The answer shapes of the audit reads and the evidence exports (REST and GraphQL). */
const POSITION = 'opaque log position, as the event store spells it';

@ObjectType('ActorPerson')
export class ActorPersonModel {
  @TextField() name!: string;
  @TextField() email!: string;
}

@ObjectType('HistoryEntry')
export class HistoryItemModel {
  @TextField({ description: POSITION }) position!: string;
  @TextField() type!: string;
  @InstantField() occurredAt!: string;
  @InstantField() recordedAt!: string;
  @TextField({ description: "an API key's name, `pinterest`, the IdP or `system`" })
  actor!: string;
  @TextField({ nullable: true, description: 'the API key that acted (GET /api/api-keys)' })
  actorKeyId!: string | null;
  @ObjectField(() => ActorPersonModel, {
    nullable: true,
    description: "the person the key was handed to, from the key's record when read",
  })
  actorPerson!: ActorPersonModel | null;
  @TextField({ nullable: true }) reason!: string | null;
  @TextField() correlationId!: string;
  @TextField({ nullable: true }) causationId!: string | null;
  @TextField({ description: 'one plain sentence' }) summary!: string;
  @JsonField() data!: unknown;
  @UuidField({ nullable: true }) integrationId!: string | null;
  @UuidField({ nullable: true }) memberId!: string | null;
}

export class HistoryPageModel {
  @TextField({ nullable: true, description: `${POSITION}: the point the answer was computed at` })
  position!: string | null;
  @ObjectListField(() => HistoryItemModel) items!: HistoryItemModel[];
  @TextField({ nullable: true, description: 'pass as `cursor` for the next page' })
  nextCursor!: string | null;
}

@ObjectType('AccessItem')
export class AccessItemModel {
  @UuidField({ nullable: true, description: "null for a partner's person" })
  memberId!: string | null;
  @TextField() name!: string;
  @TextField() email!: string;
  @TextField({ enum: ['unmatched', 'onboarded', 'exempted', 'partner'] }) tab!: string;
  @TextField() businessRole!: string;
  @TextListField({
    description: 'on an asset: its permissions; on the business: `assetId:PERMISSION` per grant',
  })
  permissions!: string[];
  @InstantField({ description: 'when that access was first observed or granted' }) since!: string;
  @TextField({ description: POSITION }) sincePosition!: string;
  @TextField({ description: "who began that access: an API key's name, or `pinterest`" })
  sinceBy!: string;
  @TextField({ enum: ['observed', 'requested'] }) sinceHow!: string;
  @TextField({ nullable: true }) partnerId!: string | null;
}

export class AccessPageModel {
  @InstantField() at!: string;
  @TextField({ nullable: true, description: POSITION }) position!: string | null;
  @TextField({ nullable: true }) assetId!: string | null;
  @ObjectListField(() => AccessItemModel) items!: AccessItemModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
}

export class AccessChangesPageModel {
  @InstantField({ nullable: true }) from!: string | null;
  @InstantField() to!: string;
  @TextField({ nullable: true, description: POSITION }) position!: string | null;
  @ObjectListField(() => HistoryItemModel) items!: HistoryItemModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
}

export class PartnerAssetModel {
  @TextField() assetId!: string;
  @TextField({ nullable: true }) assetName!: string | null;
  @TextListField() permissions!: string[];
}

export class PartnerPersonModel {
  @TextField() name!: string;
  @TextField() email!: string;
}

export class PartnerModel {
  @TextField() partnerId!: string;
  @TextField() name!: string;
  @ObjectListField(() => PartnerAssetModel) assets!: PartnerAssetModel[];
  @ObjectListField(() => PartnerPersonModel) people!: PartnerPersonModel[];
  @InstantField() since!: string;
}

export class PartnersPageModel {
  @InstantField() at!: string;
  @TextField({ nullable: true, description: POSITION }) position!: string | null;
  @ObjectListField(() => PartnerModel) items!: PartnerModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
}

/** A tab as of an instant (`?asOf=`): today's page, plus the instant and position it is at. */
export class TabAsOfPageModel {
  @InstantField() at!: string;
  @TextField({ nullable: true, description: POSITION }) position!: string | null;
  @ObjectListField(() => MemberModel) items!: MemberModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
  @ObjectField(() => MemberCountsModel) counts!: MemberCountsModel;
}

export class ExportModel {
  @UuidField() id!: string;
  @TextField({
    enum: ['member_history', 'access_at', 'access_changes', 'tab', 'deprovision_report'],
  })
  kind!: string;
  @JsonField({ description: 'the parameters of the kind, as strings' }) params!: unknown;
  @TextField({ enum: ['ndjson', 'csv'] }) format!: string;
  @IntField({ description: "the export format's version (not the product's)" })
  formatVersion!: number;
  @TextField({ nullable: true, description: `${POSITION}: the export is computed there` })
  position!: string | null;
  @TextField({ description: 'hex; also the content’s ETag' }) sha256!: string;
  @IntField() bytes!: number;
  @InstantField() createdAt!: string;
  @InstantField({
    nullable: true,
    description:
      'when an erasure deleted it (it held an erased person); its content then answers 410',
  })
  erasedAt!: string | null;
}

import { ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  FloatField,
  InstantField,
  IntField,
  ObjectField,
  ObjectListField,
  TextField,
  TextListField,
  UuidField,
} from './fields';
import { REPORT_STATUSES } from '../deprovision/report-item';
import { FailureModel } from './member.models';

/** The answer shapes of the deprovision report and its apply (REST and GraphQL). */

@ObjectType('ReportAsset')
export class ReportAssetModel {
  @TextField() assetId!: string;
  @TextField({ nullable: true }) assetName!: string | null;
  @TextField({ nullable: true, description: 'AD_ACCOUNT, PROFILE, CATALOG…' })
  assetType!: string | null;
  @TextListField() permissions!: string[];
}

@ObjectType('ReportAccess')
export class ReportAccessModel {
  @TextField({ enum: ['employee', 'manager'] }) businessRole!: string;
  @ObjectListField(() => ReportAssetModel) assets!: ReportAssetModel[];
}

@ObjectType('DeprovisionReportItem')
export class ReportItemModel {
  @UuidField() memberId!: string;
  @TextField() name!: string;
  @TextField() email!: string;
  @TextField() identityId!: string;
  @InstantField() leftAt!: string;
  @TextField({ description: 'why the person is a leaver (deactivated, deleted, guest expiry…)' })
  reason!: string;
  @ObjectField(() => ReportAccessModel, { description: 'what the leaver still holds (or held)' })
  access!: ReportAccessModel;
  @TextField({ enum: REPORT_STATUSES }) status!: string;
  @TextField({ nullable: true, description: 'why the item is blocked (automation_account)' })
  blockedReason!: string | null;
  @UuidField({ nullable: true }) applyId!: string | null;
  @UuidField({ nullable: true }) removalTaskId!: string | null;
  @InstantField({ nullable: true }) removedAt!: string | null;
  @InstantField({ nullable: true }) verifiedAt!: string | null;
  @IntField({ nullable: true, description: 'verifiedAt − leftAt: how long the leaver kept access' })
  verifiedRemovalSec!: number | null;
  @ObjectField(() => FailureModel, { nullable: true }) lastError!: FailureModel | null;
  @InstantField({ nullable: true, description: 'when an email announced this leaver' })
  announcedAt!: string | null;
}

@ObjectType('DeprovisionReportCounts')
export class ReportCountsModel {
  @IntField() pending!: number;
  @IntField() removing!: number;
  @IntField() removed!: number;
  @IntField() verified!: number;
  @IntField() absent!: number;
  @IntField() failed!: number;
  @IntField() blocked!: number;
  @IntField() reinstated!: number;
  @FloatField({ nullable: true }) medianVerifiedRemovalSec!: number | null;
  @IntField({ nullable: true }) maxVerifiedRemovalSec!: number | null;
}

@ObjectType('Safeguard')
export class SafeguardModel {
  @IntField({ description: "the integration's current members (every tab)" }) members!: number;
  @IntField({ description: 'the leavers an apply would remove' }) leaversPending!: number;
  @FloatField() percent!: number;
  @FloatField({ description: 'DEPROVISION_SAFEGUARD_PERCENT' }) thresholdPercent!: number;
  @BoolField() exceeded!: boolean;
}

@ObjectType('ReportAnnouncement')
export class ReportAnnouncementModel {
  @InstantField() lastAt!: string;
  @BoolField({ description: 'false: kept in the outbox, no one was told' }) delivered!: boolean;
  @UuidField() notificationId!: string;
}

@ObjectType('ReportLastApply')
export class ReportLastApplyModel {
  @UuidField() applyId!: string;
  @InstantField() at!: string;
  @TextField() appliedBy!: string;
  @IntField() members!: number;
  @BoolField() confirmMassRemoval!: boolean;
}

/** REST's page of the report. */
export class DeprovisionReportModel {
  @ObjectListField(() => ReportItemModel) items!: ReportItemModel[];
  @TextField({ nullable: true, description: 'pass as `cursor` for the next page' })
  nextCursor!: string | null;
  @ObjectField(() => ReportCountsModel) counts!: ReportCountsModel;
  @ObjectField(() => SafeguardModel) safeguard!: SafeguardModel;
  @ObjectField(() => ReportAnnouncementModel, { nullable: true })
  announcement!: ReportAnnouncementModel | null;
  @ObjectField(() => ReportLastApplyModel, { nullable: true })
  lastApply!: ReportLastApplyModel | null;
}

export class ApplyMemberModel {
  @UuidField() memberId!: string;
  @TextField() name!: string;
  @TextField() email!: string;
  @UuidField({ description: 'the removal task of this member' }) taskId!: string;
}

export class ApplySkippedModel {
  @UuidField() memberId!: string;
  @TextField() name!: string;
  @TextField() email!: string;
  @TextField({ description: 'why it was not removed (automation_account)' }) reason!: string;
}

/** 202: the removals queued by an apply. */
export class ApplyAnswerModel {
  @UuidField({ nullable: true, description: 'null when there was nothing to remove' })
  applyId!: string | null;
  @TextListField() taskIds!: string[];
  @ObjectListField(() => ApplyMemberModel) members!: ApplyMemberModel[];
  @ObjectListField(() => ApplySkippedModel) skipped!: ApplySkippedModel[];
  @BoolField() confirmMassRemoval!: boolean;
  @ObjectField(() => SafeguardModel) safeguard!: SafeguardModel;
}

/** 200: what a dry run would remove; nothing was appended. */
export class DryRunAnswerModel {
  @BoolField({ example: true }) dryRun!: true;
  @ObjectListField(() => ReportItemModel) members!: ReportItemModel[];
  @ObjectListField(() => ApplySkippedModel) skipped!: ApplySkippedModel[];
  @ObjectField(() => SafeguardModel) safeguard!: SafeguardModel;
}

import { ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  InstantField,
  IntField,
  ObjectField,
  ObjectListField,
  TextField,
  TextListField,
  UuidField,
} from './fields';

/** The answer shapes of the member tabs and actions (REST and GraphQL). */
const TABS = ['unmatched', 'onboarded', 'exempted', 'gone'] as const;

@ObjectType('MemberAsset')
export class MemberAssetModel {
  @TextField({ description: "The asset's Pinterest id" }) assetId!: string;
  @TextField({ nullable: true, description: 'AD_ACCOUNT, PROFILE, CATALOG…' })
  assetType!: string | null;
  @TextField({ nullable: true }) name!: string | null;
  @TextListField({ description: 'Pinterest permission names, e.g. ADMIN, ANALYST' })
  permissions!: string[];
}

@ObjectType('MatchedIdentity')
export class MatchedIdentityModel {
  @TextField() identityId!: string;
  @TextField({ description: 'how the match was made (automatic rule or by an admin)' })
  how!: string;
  @TextField() rule!: string;
  @TextField({
    nullable: true,
    enum: ['owner', 'collaborator'],
    description: 'null for an automatic match',
  })
  role!: string | null;
  @InstantField() matchedAt!: string;
  @TextField() actor!: string;
}

@ObjectType('Exemption')
export class ExemptionModel {
  @TextField() reason!: string;
  @TextField() actor!: string;
  @InstantField() at!: string;
  @InstantField({ nullable: true, description: 'when the exemption ends by itself' })
  expiresAt!: string | null;
}

@ObjectType('PendingAction')
export class PendingActionModel {
  @TextField() kind!: string;
  @UuidField() taskId!: string;
  @InstantField() requestedAt!: string;
  @TextField() actor!: string;
}

@ObjectType('Invite')
export class InviteModel {
  @TextField() email!: string;
  @TextField({ description: 'PENDING, ACCEPTED, DECLINED, CANCELLED, EXPIRED' }) status!: string;
  @UuidField({ nullable: true }) taskId!: string | null;
}

@ObjectType('Failure')
export class FailureModel {
  @TextField() kind!: string;
  @TextField() message!: string;
  @TextListField({ description: 'paths of the screenshot and trace kept as evidence' })
  evidence!: string[];
}

@ObjectType('ErasedEvidence')
export class ErasedEvidenceModel {
  @TextField({ description: 'the path the events keep naming; its file is deleted' }) path!: string;
  @InstantField() erasedAt!: string;
}

/** A task's failure: its evidence, and which of it an erasure deleted (about an erased person). */
@ObjectType('TaskFailure')
export class TaskFailureModel extends FailureModel {
  @ObjectListField(() => ErasedEvidenceModel, {
    description:
      'evidence files deleted by an erasure (GDPR art. 17); their paths stay in `evidence`',
  })
  erasedEvidence!: ErasedEvidenceModel[];
}

@ObjectType('MemberFailure')
export class MemberFailureModel {
  @TextField() kind!: string;
  @UuidField() taskId!: string;
  @ObjectField(() => FailureModel) failure!: FailureModel;
  @InstantField() at!: string;
}

@ObjectType('MemberAccount')
export class MemberAccountModel {
  @TextField({ enum: ['connect_your_account', 'connected', 'login_failed'] }) status!: string;
  @TextField({ nullable: true }) reason!: string | null;
  @InstantField({ nullable: true }) at!: string | null;
}

@ObjectType('Removal')
export class RemovalModel {
  @UuidField() taskId!: string;
  @TextField({ description: '`removed` only when we removed them, else `absent`' })
  outcome!: string;
  @TextField() observed!: string;
  @BoolField({ nullable: true }) afterInterruptedAttempt!: boolean | null;
  @TextField({ nullable: true }) removedBy!: string | null;
  @TextField() actor!: string;
  @InstantField() at!: string;
}

@ObjectType('Member')
export class MemberModel {
  @UuidField() id!: string;
  @TextField() pinterestUserId!: string;
  @TextField() name!: string;
  @TextField() email!: string;
  @TextField({ enum: ['employee', 'manager'] }) businessRole!: string;
  @ObjectListField(() => MemberAssetModel) assets!: MemberAssetModel[];
  @TextField() status!: string;
  @TextField({ enum: TABS }) tab!: string;
  @ObjectField(() => MatchedIdentityModel, { nullable: true })
  matchedIdentity!: MatchedIdentityModel | null;
  @TextListField({ nullable: true, description: 'identity ids when several could match' })
  ambiguityCandidates!: string[] | null;
  @ObjectField(() => ExemptionModel, { nullable: true }) exemption!: ExemptionModel | null;
  @ObjectField(() => PendingActionModel, { nullable: true })
  pendingAction!: PendingActionModel | null;
  @ObjectField(() => InviteModel, { nullable: true }) invite!: InviteModel | null;
  @ObjectField(() => MemberFailureModel, { nullable: true })
  lastFailure!: MemberFailureModel | null;
  @ObjectField(() => MemberAccountModel) account!: MemberAccountModel;
  @ObjectField(() => RemovalModel, { nullable: true }) removal!: RemovalModel | null;
  @BoolField({
    description: 'the matched identity left the IdP and the member is still on Pinterest',
  })
  leaver!: boolean;
  @InstantField({ nullable: true, description: 'when the matched identity left' })
  leftAt!: string | null;
  @InstantField() discoveredAt!: string;
  @InstantField() updatedAt!: string;
}

@ObjectType('MemberCounts')
export class MemberCountsModel {
  @IntField() unmatched!: number;
  @IntField() onboarded!: number;
  @IntField() exempted!: number;
}

/** REST's page of a tab. */
export class MembersPageModel {
  @ObjectListField(() => MemberModel) items!: MemberModel[];
  @TextField({ nullable: true, description: 'pass as `cursor` for the next page' })
  nextCursor!: string | null;
  @ObjectField(() => MemberCountsModel) counts!: MemberCountsModel;
}

@ObjectType('MemberActionResult')
export class ActionAnswerModel {
  @UuidField({
    nullable: true,
    description: 'the task carrying the action out on Pinterest (REST: 202); null when done (200)',
  })
  taskId!: string | null;
  @ObjectField(() => MemberModel) member!: MemberModel;
}

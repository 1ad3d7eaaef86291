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
import { JsonField } from './json.scalar';
import { MemberCountsModel, TaskFailureModel } from './member.models';

/** The answer shapes of integrations, automation tasks and automation accounts. */
@ObjectType('CheckFailure')
export class CheckFailureModel {
  @TextField() kind!: string;
  @TextField() message!: string;
}

@ObjectType('LastCheck')
export class LastCheckModel {
  @UuidField() taskId!: string;
  @InstantField() at!: string;
  @TextField({ enum: ['completed', 'not_completed'] }) result!: string;
  @ObjectField(() => CheckFailureModel, { nullable: true }) failure!: CheckFailureModel | null;
}

@ObjectType('IntegrationAuthorization')
export class IntegrationAuthorizationModel {
  @TextListField({ description: "the scopes the app's token was granted" }) scopes!: string[];
  @TextListField({ description: 'scopes the connector needs that were not granted' })
  missingScopes!: string[];
  @InstantField({ description: 'when the access token last obtained expires' })
  tokenExpiresAt!: string;
}

@ObjectType('Integration')
export class IntegrationModel {
  @UuidField() id!: string;
  @TextField() label!: string;
  @TextField({ description: 'the Pinterest Business ID (digits)' }) businessId!: string;
  @TextField({ enum: ['browser', 'api'], description: 'how the service reaches Pinterest' })
  connector!: string;
  @TextField({ enum: ['sso', 'password'], nullable: true }) loginMethod!: string | null;
  @UuidField({ nullable: true, description: 'null for an API integration without one' })
  automationAccountId!: string | null;
  @ObjectField(() => IntegrationAuthorizationModel, {
    nullable: true,
    description: 'API connector: what the app was granted, as last observed',
  })
  authorization!: IntegrationAuthorizationModel | null;
  @TextField({
    enum: [
      'healthy',
      'requires_sync',
      'review_service_account',
      'review_configuration',
      'awaiting_authorization',
    ],
  })
  health!: string;
  @TextField({ nullable: true }) healthReason!: string | null;
  @BoolField() connected!: boolean;
  @UuidField({ nullable: true, description: 'the check queued or running, if any' })
  activeTaskId!: string | null;
  @ObjectField(() => LastCheckModel, { nullable: true }) lastCheck!: LastCheckModel | null;
  @ObjectField(() => MemberCountsModel) memberCounts!: MemberCountsModel;
  @InstantField() connectedAt!: string;
}

export class AuthorizationStartModel {
  @TextField({ description: "Pinterest's consent page for the app, with a single-use state" })
  authorizeUrl!: string;
  @InstantField({ description: 'when the state stops being accepted' }) expiresAt!: string;
}

export class AuthorizationDoneModel {
  @UuidField() integrationId!: string;
  @TextField() health!: string;
  @TextListField() scopes!: string[];
}

export class IntegrationListModel {
  @ObjectListField(() => IntegrationModel) items!: IntegrationModel[];
}

@ObjectType('TaskProgress')
export class TaskProgressModel {
  @IntField() done!: number;
  @IntField() total!: number;
}

@ObjectType('AutomationTask')
export class AutomationTaskModel {
  @UuidField() id!: string;
  @UuidField() integrationId!: string;
  @TextField({ enum: ['syncing_users', 'adding_users', 'updating_user_roles', 'removing_users'] })
  kind!: string;
  @TextField({ description: 'web_app, workspace_policy or scim' }) trigger!: string;
  @TextField() actor!: string;
  @TextField({
    enum: ['queued', 'running', 'retrying', 'not_completed', 'completed'],
  })
  status!: string;
  @IntField() attempts!: number;
  @ObjectField(() => TaskProgressModel, { nullable: true }) progress!: TaskProgressModel | null;
  @JsonField({ nullable: true, description: 'what the task did; its keys depend on the kind' })
  summary!: Record<string, unknown> | null;
  @ObjectField(() => TaskFailureModel, { nullable: true }) error!: TaskFailureModel | null;
  @InstantField({ nullable: true }) retryAt!: string | null;
  @InstantField() createdAt!: string;
  @InstantField() updatedAt!: string;
}

export class AutomationTaskPageModel {
  @ObjectListField(() => AutomationTaskModel) items!: AutomationTaskModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
}

export class TaskIdModel {
  @UuidField() taskId!: string;
}

@ObjectType('AutomationAccount')
export class AutomationAccountModel {
  @UuidField() id!: string;
  @TextField() label!: string;
  @TextField() email!: string;
  @TextField({ nullable: true }) phone!: string | null;
  @TextField({ enum: ['connect_your_account', 'connected', 'login_failed'] }) status!: string;
  @TextField({ nullable: true }) statusReason!: string | null;
  @InstantField() updatedAt!: string;
}

export class AutomationAccountListModel {
  @ObjectListField(() => AutomationAccountModel) items!: AutomationAccountModel[];
}

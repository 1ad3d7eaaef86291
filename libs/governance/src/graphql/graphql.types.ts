import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { REPORT_STATUSES } from '../deprovision/deprovision-report.projection';
import {
  AccessItemModel,
  AutomationTaskModel,
  HistoryItemModel,
  MemberModel,
  ReportAnnouncementModel,
  ReportCountsModel,
  ReportItemModel,
  ReportLastApplyModel,
  SafeguardModel,
} from '../views';
import { MemberTabArg, TaskStatusArg } from './graphql.enums';
import { trim } from '../input-fields';

/**
 * GraphQL's arguments and connections. The mutations' inputs are REST's DTOs themselves
 * (actions/member-actions.dto.ts), so that the same class-validator rules and messages check
 * both: the app's global validation pipe runs on resolvers' arguments as on controllers'
 * bodies.
 */
/** The members' and tasks' pages: `first` 1–500 (default 50), `after` a previous endCursor. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: '1-500' })
  @IsInt({ message: 'first must be an integer from 1 to 500' })
  @Min(1, { message: 'first must be an integer from 1 to 500' })
  @Max(500, { message: 'first must be an integer from 1 to 500' })
  first = 50;

  @Field(() => String, { nullable: true, description: 'the endCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  after?: string | null;
}

@ArgsType()
export class MembersArgs extends PageArgs {
  @Field(() => MemberTabArg, { defaultValue: MemberTabArg.UNMATCHED })
  @IsIn(Object.values(MemberTabArg))
  tab: MemberTabArg = MemberTabArg.UNMATCHED;

  @Field(() => String, { nullable: true, description: 'name or email, case and accents aside' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  search?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'the tab as it was at this instant (REST: ?asOf=); ISO-8601, not in the future',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asOf?: string | null;
}

@ArgsType()
export class TasksArgs extends PageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'integrationId must be an integration id' })
  integrationId?: string | null;

  @Field(() => TaskStatusArg, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(TaskStatusArg))
  status?: TaskStatusArg | null;
}

@ArgsType()
export class IntegrationTasksArgs extends PageArgs {
  @Field(() => TaskStatusArg, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(TaskStatusArg))
  status?: TaskStatusArg | null;
}

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field(() => Boolean) hasNextPage!: boolean;
}

@ObjectType('MemberConnection')
export class MemberConnection {
  @Field(() => [MemberModel]) nodes!: MemberModel[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, {
    description: "members in the tab (the number on the tab; `search` doesn't narrow it)",
  })
  totalCount!: number;
}

@ObjectType('AutomationTaskConnection')
export class AutomationTaskConnection {
  @Field(() => [AutomationTaskModel]) nodes!: AutomationTaskModel[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('CheckForUpdatesResult')
export class CheckForUpdatesResult {
  @Field(() => ID) taskId!: string;
}

/** An instant argument: checked by the audit service (ISO-8601, not in the future). */
const INSTANT = 'an ISO-8601 instant, not in the future (checked like REST’s)';

@ArgsType()
export class ReportArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: REPORT_STATUSES.join(', ') })
  @IsOptional()
  @IsIn(REPORT_STATUSES, { message: `status must be one of ${REPORT_STATUSES.join(', ')}` })
  status?: string | null;
}

@ArgsType()
export class AccessArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: `${INSTANT}; default now` })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  at?: string | null;

  @Field(() => String, { nullable: true, description: 'an asset (default: the business)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(64)
  assetId?: string | null;
}

@ArgsType()
export class AccessChangesArgs extends PageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'integrationId must be an integration id' })
  integrationId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'memberId must be a member id' })
  memberId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(64)
  assetId?: string | null;

  @Field(() => String, { nullable: true, description: `${INSTANT}; exclusive` })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string | null;

  @Field(() => String, { nullable: true, description: `${INSTANT}; inclusive, default now` })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string | null;
}

@ObjectType('DeprovisionReportConnection')
export class DeprovisionReportConnection {
  @Field(() => [ReportItemModel]) nodes!: ReportItemModel[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => ReportCountsModel) counts!: ReportCountsModel;
  @Field(() => SafeguardModel) safeguard!: SafeguardModel;
  @Field(() => ReportAnnouncementModel, { nullable: true })
  announcement!: ReportAnnouncementModel | null;
  @Field(() => ReportLastApplyModel, { nullable: true }) lastApply!: ReportLastApplyModel | null;
}

@ObjectType('AccessConnection')
export class AccessConnection {
  @Field(() => String, { description: 'the instant asked for' }) at!: string;
  @Field(() => String, { nullable: true, description: 'the log position it was computed at' })
  position!: string | null;
  @Field(() => String, { nullable: true }) assetId!: string | null;
  @Field(() => [AccessItemModel]) nodes!: AccessItemModel[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('HistoryConnection')
export class HistoryConnection {
  @Field(() => String, { nullable: true, description: 'the log position it was computed at' })
  position!: string | null;
  @Field(() => [HistoryItemModel]) nodes!: HistoryItemModel[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('AccessChangesConnection')
export class AccessChangesConnection {
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => String) to!: string;
  @Field(() => String, { nullable: true, description: 'the log position it was computed at' })
  position!: string | null;
  @Field(() => [HistoryItemModel]) nodes!: HistoryItemModel[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

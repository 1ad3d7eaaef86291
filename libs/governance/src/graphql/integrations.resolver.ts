import { BadRequestException, UseGuards } from '@nestjs/common';
import {
  Args,
  Context,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { uuidParam } from '@app/infrastructure';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { IdentityDirectory } from '../directory/identity-directory.service';
import type { IntegrationCard } from '../integrations/integrations.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { MembersQuery, type MemberView } from '../integrations/members.query';
import type { AutomationTaskDoc } from '../read-models/automation-tasks.projection';
import {
  AccessItemModel,
  AutomationTaskModel,
  IdentityModel,
  IntegrationModel,
  MemberModel,
  ReportItemModel,
} from '../views';
import { identityItem } from '../directory/identities.controller';
import { loaderFor } from './batch-loader';
import {
  AccessArgs,
  AccessChangesArgs,
  AccessChangesConnection,
  AccessConnection,
  AutomationTaskConnection,
  CheckForUpdatesResult,
  DeprovisionReportConnection,
  HistoryConnection,
  IntegrationTasksArgs,
  MemberConnection,
  MembersArgs,
  PageArgs,
  ReportArgs,
  TasksArgs,
} from './graphql.types';
import { integrationsCost, pageCost } from './limits';
import { AuditService, type AccessItem } from '../audit/audit.service';
import { DeprovisionService, type ReportItemView } from '../deprovision/deprovision.service';
import { RequiresRole } from '../access/roles';

/*
 * The audit reads (issue 9) and the deprovision report (issue 8) call the services REST's
 * controllers call (AuditService, DeprovisionService), never a second implementation:
 *   - Integration.members(asOf)        → AuditService.tabAsOf (REST: ?asOf=)
 *   - Integration.deprovisionReport    → DeprovisionService.report
 *   - Integration.access(at, assetId)  → AuditService.accessAt
 *   - Member.history                   → AuditService.memberHistory
 *   - Query.accessChanges(...)         → AuditService.accessChanges
 */

interface GraphqlContext {
  req: object;
}

/** The same services as REST's IntegrationsController and AutomationTasksController. */
@Resolver(() => IntegrationModel)
@UseGuards(ApiKeyGuard)
@RequiresRole('auditor')
export class IntegrationsResolver {
  constructor(
    private readonly service: IntegrationsService,
    private readonly membersQuery: MembersQuery,
    private readonly audit: AuditService,
    private readonly deprovision: DeprovisionService,
  ) {}

  @Query(() => [IntegrationModel], {
    description: 'the app cards of the workspace',
    complexity: integrationsCost,
  })
  integrations(@CurrentCaller() caller: Caller): Promise<IntegrationCard[]> {
    return this.service.list(caller);
  }

  @Query(() => IntegrationModel)
  integration(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }, uuidParam) id: string,
  ): Promise<IntegrationCard> {
    return this.service.get(caller, id);
  }

  @Query(() => MemberModel)
  async member(
    @CurrentCaller() caller: Caller,
    @Args('integrationId', { type: () => ID }, uuidParam) integrationId: string,
    @Args('id', { type: () => ID }, uuidParam) id: string,
  ): Promise<GqlMember> {
    await this.service.integration(caller, integrationId);
    return { ...(await this.membersQuery.one(integrationId, id)), integrationId };
  }

  @Query(() => AccessChangesConnection, {
    description: 'grants, revocations, role changes, matches, exemptions and removals in a window',
    complexity: pageCost,
  })
  async accessChanges(
    @CurrentCaller() caller: Caller,
    @Args() args: AccessChangesArgs,
  ): Promise<AccessChangesConnection> {
    const page = await this.audit.accessChanges(caller, {
      integrationId: args.integrationId ?? undefined,
      memberId: args.memberId ?? undefined,
      assetId: args.assetId ?? undefined,
      from: args.from ?? undefined,
      to: args.to ?? undefined,
      cursor: args.after ?? undefined,
      limit: args.first,
    });
    return {
      from: page.from,
      to: page.to,
      position: page.position,
      nodes: page.items as HistoryItemNode[],
      pageInfo: pageInfo(page.nextCursor),
    };
  }

  @Query(() => AutomationTaskConnection, { complexity: pageCost })
  async automationTasks(
    @CurrentCaller() caller: Caller,
    @Args() args: TasksArgs,
  ): Promise<AutomationTaskConnection> {
    return taskConnection(
      await this.service.tasksOf(caller, {
        integrationId: args.integrationId ?? undefined,
        status: args.status ?? undefined,
        cursor: args.after ?? undefined,
        limit: args.first,
      }),
    );
  }

  @RequiresRole('operator')
  @Mutation(() => CheckForUpdatesResult, {
    description: 'queues a check (REST: POST /api/integrations/:id/check-for-updates)',
  })
  async checkForUpdates(
    @CurrentCaller() caller: Caller,
    @Args('integrationId', { type: () => ID }, uuidParam) integrationId: string,
    @Args('confirmDepartures', { type: () => Boolean, nullable: true })
    confirmDepartures?: boolean | null,
  ): Promise<CheckForUpdatesResult> {
    const { taskId } = await this.service.checkForUpdates(caller, integrationId, 'web_app', {
      confirmDepartures: confirmDepartures === true,
    });
    return { taskId };
  }

  /**
   * A tab of the integration, now or as of `asOf` (as REST's route chooses); the card above was
   * read within the caller's workspace.
   */
  @ResolveField(() => MemberConnection, { complexity: pageCost })
  async members(
    @CurrentCaller() caller: Caller,
    @Parent() integration: IntegrationCard,
    @Args() args: MembersArgs,
  ): Promise<MemberConnection> {
    const query = {
      tab: args.tab,
      search: args.search ?? undefined,
      cursor: args.after ?? undefined,
      limit: args.first,
    };
    const page =
      args.asOf !== undefined && args.asOf !== null
        ? await this.audit.tabAsOf(caller, integration.id, { ...query, asOf: args.asOf })
        : await this.membersQuery.page(integration.id, query);
    return {
      nodes: page.items.map((m) => ({ ...m, integrationId: integration.id })) as MemberModel[],
      pageInfo: pageInfo(page.nextCursor),
      totalCount: page.counts[args.tab],
    };
  }

  @ResolveField(() => DeprovisionReportConnection, {
    description: 'the leavers of this integration and how far their removal got',
    complexity: pageCost,
  })
  async deprovisionReport(
    @CurrentCaller() caller: Caller,
    @Parent() integration: IntegrationCard,
    @Args() args: ReportArgs,
  ): Promise<DeprovisionReportConnection> {
    const report = await this.deprovision.report(caller, integration.id, {
      status: args.status ?? undefined,
      cursor: args.after ?? undefined,
      limit: args.first,
    });
    return {
      nodes: report.items as ReportItemModel[],
      pageInfo: pageInfo(report.nextCursor),
      counts: report.counts,
      safeguard: report.safeguard,
      announcement: report.announcement,
      lastApply: report.lastApply,
    };
  }

  @ResolveField(() => AccessConnection, {
    description: 'who could act on the business (or on assetId) at instant `at`',
    complexity: pageCost,
  })
  async access(
    @CurrentCaller() caller: Caller,
    @Parent() integration: IntegrationCard,
    @Args() args: AccessArgs,
  ): Promise<AccessConnection> {
    const page = await this.audit.accessAt(caller, integration.id, {
      at: args.at ?? undefined,
      assetId: args.assetId ?? undefined,
      cursor: args.after ?? undefined,
      limit: args.first,
    });
    return {
      at: page.at,
      position: page.position,
      assetId: page.assetId,
      nodes: page.items as AccessItemModel[],
      pageInfo: pageInfo(page.nextCursor),
    };
  }

  @ResolveField('automationTasks', () => AutomationTaskConnection, { complexity: pageCost })
  async integrationTasks(
    @CurrentCaller() caller: Caller,
    @Parent() integration: IntegrationCard,
    @Args() args: IntegrationTasksArgs,
  ): Promise<AutomationTaskConnection> {
    return taskConnection(
      await this.service.tasksOf(caller, {
        integrationId: integration.id,
        status: args.status ?? undefined,
        cursor: args.after ?? undefined,
        limit: args.first,
      }),
    );
  }
}

/** A member as GraphQL hands it to its fields: with its integration, for `history`. */
type GqlMember = MemberView & { integrationId?: string };
type HistoryItemNode = AccessChangesConnection['nodes'][number];

function pageInfo(nextCursor: string | null): { endCursor: string | null; hasNextPage: boolean } {
  return { endCursor: nextCursor, hasNextPage: nextCursor !== null };
}

function taskConnection(page: {
  items: AutomationTaskDoc[];
  nextCursor: string | null;
}): AutomationTaskConnection {
  return {
    nodes: page.items as AutomationTaskModel[],
    pageInfo: pageInfo(page.nextCursor),
  };
}

/** A task's integration, looked up once per request for a whole page of tasks. */
@Resolver(() => AutomationTaskModel)
export class AutomationTaskResolver {
  constructor(private readonly integrations: IntegrationsService) {}

  @ResolveField(() => IntegrationModel, { nullable: true })
  integration(
    @CurrentCaller() caller: Caller,
    @Parent() task: AutomationTaskDoc,
    @Context() context: GraphqlContext,
  ): Promise<IntegrationCard | null> {
    return loaderFor(context.req, 'integrations', async (ids) => {
      const cards = await this.integrations.getMany(caller, ids);
      return new Map(cards.map((card) => [card.id, card]));
    }).load(task.integrationId);
  }
}

/** A member's matched directory identity, looked up once per request for a whole page. */
@Resolver(() => MemberModel)
export class MemberResolver {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly audit: AuditService,
  ) {}

  /** The member's events, oldest first (REST: GET …/members/:memberId/history). */
  @ResolveField(() => HistoryConnection, { complexity: pageCost })
  async history(
    @CurrentCaller() caller: Caller,
    @Parent() member: GqlMember,
    @Args() args: PageArgs,
  ): Promise<HistoryConnection> {
    if (!member.integrationId) {
      // A member answered by a mutation: its history is read with member(integrationId, id).
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'history is read through member(integrationId, id) or integration.members',
        details: { field: 'history' },
      });
    }
    const page = await this.audit.memberHistory(caller, member.integrationId, member.id, {
      cursor: args.after ?? undefined,
      limit: args.first,
    });
    return {
      position: page.position,
      nodes: page.items as HistoryItemNode[],
      pageInfo: pageInfo(page.nextCursor),
    };
  }

  @ResolveField(() => IdentityModel, {
    nullable: true,
    description: 'the directory identity the member is matched to',
  })
  async identity(
    @CurrentCaller() caller: Caller,
    @Parent() member: MemberView,
    @Context() context: GraphqlContext,
  ): Promise<IdentityModel | null> {
    const identityId = member.matchedIdentity?.identityId;
    if (!identityId) return null;
    const doc = await loaderFor(context.req, 'identities', async (ids) => {
      const docs = await this.directory.getMany(caller.workspaceId, ids);
      return new Map(docs.map((d) => [d.id, d]));
    }).load(identityId);
    return doc && !doc.deleted ? identityItem(doc) : null;
  }
}

/** The people of the access and report pages, each looked up once per request for a page. */
function membersLoader(context: GraphqlContext, members: MembersQuery) {
  return loaderFor(context.req, 'members', async (ids) => {
    const views = await members.many(ids);
    return new Map(views.map((m) => [m.id, m]));
  });
}

@Resolver(() => AccessItemModel)
export class AccessItemResolver {
  constructor(private readonly members: MembersQuery) {}

  @ResolveField(() => MemberModel, {
    nullable: true,
    description: "the member as it is now (null for a partner's person or a member since gone)",
  })
  async member(
    @Parent() item: AccessItem,
    @Context() context: GraphqlContext,
  ): Promise<MemberModel | null> {
    if (!item.memberId) return null;
    // Members of the integration the access page was read from (within the caller's workspace).
    return (await membersLoader(context, this.members).load(item.memberId)) as MemberModel | null;
  }
}

@Resolver(() => ReportItemModel)
export class ReportItemResolver {
  constructor(
    private readonly members: MembersQuery,
    private readonly directory: IdentityDirectory,
  ) {}

  @ResolveField(() => MemberModel, { nullable: true, description: 'the member as it is now' })
  async member(
    @Parent() item: ReportItemView,
    @Context() context: GraphqlContext,
  ): Promise<MemberModel | null> {
    return (await membersLoader(context, this.members).load(item.memberId)) as MemberModel | null;
  }

  @ResolveField(() => IdentityModel, {
    nullable: true,
    description: 'the directory identity that left',
  })
  async identity(
    @CurrentCaller() caller: Caller,
    @Parent() item: ReportItemView,
    @Context() context: GraphqlContext,
  ): Promise<IdentityModel | null> {
    const doc = await loaderFor(context.req, 'identities', async (ids) => {
      const docs = await this.directory.getMany(caller.workspaceId, ids);
      return new Map(docs.map((d) => [d.id, d]));
    }).load(item.identityId);
    return doc ? identityItem(doc) : null;
  }
}

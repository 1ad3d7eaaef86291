import { UseGuards } from '@nestjs/common';
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
import { AutomationTaskModel, IdentityModel, IntegrationModel, MemberModel } from '../views';
import { identityItem } from '../directory/identities.controller';
import { loaderFor } from './batch-loader';
import {
  AutomationTaskConnection,
  CheckForUpdatesResult,
  IntegrationTasksArgs,
  MemberConnection,
  MembersArgs,
  TasksArgs,
} from './graphql.types';
import { integrationsCost, pageCost } from './limits';

/*
 * Extension points for the audit reads (issue 9), wired at merge to the services that REST's
 * audit controllers call, never to a second implementation:
 *   - Integration.members(asOf)             → the tabs-as-of service
 *   - Integration.deprovisionReport         → the deprovision report service (issue 8)
 *   - Integration.access(at, assetId)       → the access-at service
 *   - Member.history                        → the member history service
 *   - Query.accessChanges(...)              → the access changes service
 * They are absent from the schema until then: an unwired field would have to answer nothing.
 */

interface GraphqlContext {
  req: object;
}

/** The same services as REST's IntegrationsController and AutomationTasksController. */
@Resolver(() => IntegrationModel)
@UseGuards(ApiKeyGuard)
export class IntegrationsResolver {
  constructor(
    private readonly service: IntegrationsService,
    private readonly membersQuery: MembersQuery,
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
  ): Promise<MemberView> {
    await this.service.integration(caller, integrationId);
    return this.membersQuery.one(integrationId, id);
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

  /** A tab of the integration; the card above was read within the caller's workspace. */
  @ResolveField(() => MemberConnection, { complexity: pageCost })
  async members(
    @Parent() integration: IntegrationCard,
    @Args() args: MembersArgs,
  ): Promise<MemberConnection> {
    const page = await this.membersQuery.page(integration.id, {
      tab: args.tab,
      search: args.search ?? undefined,
      cursor: args.after ?? undefined,
      limit: args.first,
    });
    return {
      nodes: page.items as MemberModel[],
      pageInfo: { endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null },
      totalCount: page.counts[args.tab],
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

function taskConnection(page: {
  items: AutomationTaskDoc[];
  nextCursor: string | null;
}): AutomationTaskConnection {
  return {
    nodes: page.items as AutomationTaskModel[],
    pageInfo: { endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null },
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
  constructor(private readonly directory: IdentityDirectory) {}

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

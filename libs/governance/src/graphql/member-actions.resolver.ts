import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { uuidParam } from '@app/infrastructure';
import type { Caller } from '../access/access.service';
import { ApiKeyGuard, CurrentCaller } from '../access/auth.guard';
import { type ActionAnswer, MemberActionsService } from '../actions/member-actions.service';
import {
  AssetPermissionsDto,
  BusinessRoleDto,
  ExemptMemberDto,
  MatchMemberDto,
} from '../actions/member-actions.dto';
import { ActionAnswerModel } from '../views';
import { RequiresRole } from '../access/roles';

const integrationId = () =>
  Args('integrationId', { type: () => ID }, uuidParam) as ParameterDecorator;
const memberId = () => Args('memberId', { type: () => ID }, uuidParam) as ParameterDecorator;

/**
 * REST's member actions (`/api/integrations/:id/members/:memberId/…`), through the same
 * service: `taskId` set where REST answers 202, null where it answers 200.
 */
@Resolver()
@UseGuards(ApiKeyGuard)
@RequiresRole('operator')
export class MemberActionsResolver {
  constructor(private readonly actions: MemberActionsService) {}

  @Mutation(() => ActionAnswerModel, { description: 'match & invite an unmatched member' })
  matchMember(
    @CurrentCaller() caller: Caller,
    @integrationId() integration: string,
    @memberId() member: string,
    @Args('input') input: MatchMemberDto,
  ): Promise<ActionAnswer> {
    return this.actions.match(caller, integration, member, input.identityId, input.role);
  }

  @Mutation(() => ActionAnswerModel, { description: 'remove from the Pinterest business' })
  removeMember(
    @CurrentCaller() caller: Caller,
    @integrationId() integration: string,
    @memberId() member: string,
  ): Promise<ActionAnswer> {
    return this.actions.remove(caller, integration, member);
  }

  @Mutation(() => ActionAnswerModel)
  exemptMember(
    @CurrentCaller() caller: Caller,
    @integrationId() integration: string,
    @memberId() member: string,
    @Args('input') input: ExemptMemberDto,
  ): Promise<ActionAnswer> {
    return this.actions.exempt(caller, integration, member, input.reason);
  }

  @Mutation(() => ActionAnswerModel)
  unexemptMember(
    @CurrentCaller() caller: Caller,
    @integrationId() integration: string,
    @memberId() member: string,
  ): Promise<ActionAnswer> {
    return this.actions.unexempt(caller, integration, member);
  }

  @Mutation(() => ActionAnswerModel)
  changeBusinessRole(
    @CurrentCaller() caller: Caller,
    @integrationId() integration: string,
    @memberId() member: string,
    @Args('input') input: BusinessRoleDto,
  ): Promise<ActionAnswer> {
    return this.actions.changeRole(caller, integration, member, input.role);
  }

  @Mutation(() => ActionAnswerModel)
  changeAssetPermissions(
    @CurrentCaller() caller: Caller,
    @integrationId() integration: string,
    @memberId() member: string,
    @Args('input') input: AssetPermissionsDto,
  ): Promise<ActionAnswer> {
    return this.actions.changePermissions(
      caller,
      integration,
      member,
      input.assetId,
      input.permissions,
    );
  }
}

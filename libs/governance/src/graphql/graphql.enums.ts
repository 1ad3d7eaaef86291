import { registerEnumType } from '@nestjs/graphql';

/** GraphQL's enums; their values are REST's words, so that the services see no difference. */
export enum MemberTabArg {
  UNMATCHED = 'unmatched',
  ONBOARDED = 'onboarded',
  EXEMPTED = 'exempted',
}
registerEnumType(MemberTabArg, { name: 'MemberTab' });

export enum MatchRoleArg {
  OWNER = 'owner',
  COLLABORATOR = 'collaborator',
}
registerEnumType(MatchRoleArg, { name: 'MatchRole' });

export enum BusinessRoleArg {
  EMPLOYEE = 'employee',
  MANAGER = 'manager',
}
registerEnumType(BusinessRoleArg, { name: 'BusinessRole' });

export enum TaskStatusArg {
  QUEUED = 'queued',
  RUNNING = 'running',
  RETRYING = 'retrying',
  NOT_COMPLETED = 'not_completed',
  COMPLETED = 'completed',
}
registerEnumType(TaskStatusArg, { name: 'TaskStatus' });

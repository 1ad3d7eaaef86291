import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ErasedEvidenceModel, TaskFailureModel } from '../views';
import { ErasedEvidence } from './scrubbers.module';

/** GraphQL's `TaskFailure.erasedEvidence`, as REST's task answers carry it. */
@Resolver(() => TaskFailureModel)
export class TaskFailureResolver {
  constructor(private readonly erased: ErasedEvidence) {}

  @ResolveField(() => [ErasedEvidenceModel])
  erasedEvidence(@Parent() failure: { evidence: string[] }): Promise<ErasedEvidenceModel[]> {
    return this.erased.of(failure.evidence ?? []);
  }
}

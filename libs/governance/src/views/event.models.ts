import { ObjectType } from '@nestjs/graphql';
import { InstantField, IntField, ObjectListField, TextField, UuidField } from './fields';
import { JsonField } from './json.scalar';

/** An event of the log as the investigation reads show it (a task's events). */
@ObjectType('LoggedEvent')
export class LoggedEventModel {
  @TextField({ description: 'opaque; as the event store spells it' }) position!: string;
  @UuidField() id!: string;
  @TextField() type!: string;
  @TextField() stream!: string;
  @IntField() revision!: number;
  @InstantField() occurredAt!: string;
  @InstantField() recordedAt!: string;
  @TextField() actor!: string;
  @TextField() correlationId!: string;
  @TextField({ nullable: true }) causationId!: string | null;
  @JsonField() data!: unknown;
}

export class TaskEventsPageModel {
  @UuidField() taskId!: string;
  @ObjectListField(() => LoggedEventModel) items!: LoggedEventModel[];
  @TextField({ nullable: true }) nextCursor!: string | null;
}

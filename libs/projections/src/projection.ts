import type { EventFilter, RecordedEvent } from '@app/eventstore';
import type { CollectionSpec, Document, FindOptions, Page, Where } from '@app/readmodels';

/**
 * What a projection sees while it handles one event: its own collections, through a
 * unit of work that the runner commits together with the checkpoint at the end of a batch.
 */
export interface ProjectionContext {
  get<T extends Document = Document>(collection: string, id: string): Promise<T | null>;
  put<T extends Document>(collection: string, doc: T): void;
  delete(collection: string, id: string): void;
  /** Queries see the writes of the batch so far. */
  find<T extends Document = Document>(collection: string, options: FindOptions): Promise<Page<T>>;
  count(collection: string, where?: Where): Promise<number>;
}

export interface Projection {
  /** Unique; names the checkpoint. Bump `version` to force a rebuild when the logic changes. */
  readonly name: string;
  readonly version: number;
  readonly collections: readonly CollectionSpec[];
  /** The events it reads; the runner subscribes with this filter. */
  readonly filter: EventFilter;
  handle(event: RecordedEvent, ctx: ProjectionContext): Promise<void> | void;
}

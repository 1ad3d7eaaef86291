import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Conflict, type Decider, type DomainEvent, schemaVersionOf } from '@app/domain';
import {
  type AppendResult,
  type EventMetadata,
  EventStore,
  PartialAppend,
  type RecordedEvent,
  WrongExpectedRevision,
} from '@app/eventstore';

/** Who asks, on whose behalf, and why: the metadata every event of a command carries. */
export interface CommandContext {
  workspaceId: string;
  actor: string;
  /** The credential behind `actor` when it is a key: who the person was is resolved through it. */
  actorKeyId?: string;
  correlationId?: string;
  causationId?: string | null;
  /** When the fact happened, if not now (e.g. when Pinterest was observed). */
  occurredAt?: string;
}

/** The actor of an event, and its key: what a saga acting on the event's behalf carries on. */
export function actorOf(metadata: EventMetadata): Pick<CommandContext, 'actor' | 'actorKeyId'> {
  return typeof metadata.actorKeyId === 'string'
    ? { actor: metadata.actor, actorKeyId: metadata.actorKeyId }
    : { actor: metadata.actor };
}

export function metadataFor(ctx: CommandContext, schemaVersion = 1): EventMetadata {
  return {
    workspaceId: ctx.workspaceId,
    actor: ctx.actor,
    correlationId: ctx.correlationId ?? randomUUID(),
    causationId: ctx.causationId ?? null,
    occurredAt: ctx.occurredAt ?? new Date().toISOString(),
    schemaVersion,
    ...(ctx.actorKeyId ? { actorKeyId: ctx.actorKeyId } : {}),
  };
}

export function toDomainEvent(e: RecordedEvent): DomainEvent {
  return { type: e.type, data: e.data };
}

export interface ExecuteOptions<E> {
  /** Deterministic ids make a retried command a no-op instead of a duplicate. */
  eventId?: (event: E, index: number, revision: number) => string;
  /** Version conflicts are retried (reload, decide again) this many times, then → Conflict. */
  retries?: number;
}

export interface ExecuteResult<S> {
  /** The state the command was decided on. */
  previous: S;
  state: S;
  appended: number;
  append: AppendResult | null;
}

type ContextOf<S> = CommandContext | ((state: S) => CommandContext);

export async function loadAggregate<C, E extends DomainEvent, S>(
  events: EventStore,
  stream: string,
  decider: Decider<C, E, S>,
): Promise<{ state: S; revision: number | null }> {
  const recorded = await events.readStream(stream);
  let state = decider.initialState;
  for (const e of recorded) state = decider.evolve(state, toDomainEvent(e) as E);
  return { state, revision: recorded.length ? recorded[recorded.length - 1].revision : null };
}

/** Decide one command on one aggregate's stream and append the outcome. */
export class DecideCommand<C, E extends DomainEvent, S> extends Command<ExecuteResult<S>> {
  constructor(
    readonly stream: string,
    readonly decider: Decider<C, E, S>,
    readonly command: C,
    readonly ctx: ContextOf<S>,
    readonly options: ExecuteOptions<E> = {},
  ) {
    super();
  }
}

/** The same for many streams of one aggregate type, appended together. */
export class DecideManyCommand<C, E extends DomainEvent, S> extends Command<ExecuteResult<S>[]> {
  constructor(
    readonly decider: Decider<C, E, S>,
    readonly items: readonly { stream: string; command: C; ctx: ContextOf<S> }[],
  ) {
    super();
  }
}

/**
 * The command-handling pattern: load the stream, fold, decide, append with the expected
 * revision. A concurrent writer makes the append fail; the command is decided again on the
 * new state, so a conflicting action gets the domain's answer, not a lost update.
 */
@CommandHandler(DecideCommand)
export class DecideCommandHandler implements ICommandHandler<
  DecideCommand<unknown, DomainEvent, unknown>
> {
  constructor(private readonly events: EventStore) {}

  execute<C, E extends DomainEvent, S>(cmd: DecideCommand<C, E, S>): Promise<ExecuteResult<S>> {
    return this.run(cmd.stream, cmd.decider, cmd.command, cmd.ctx, cmd.options);
  }

  private async run<C, E extends DomainEvent, S>(
    stream: string,
    decider: Decider<C, E, S>,
    command: C,
    ctx: CommandContext | ((state: S) => CommandContext),
    options: ExecuteOptions<E> = {},
  ): Promise<ExecuteResult<S>> {
    const retries = options.retries ?? 3;
    for (let attempt = 0; ; attempt += 1) {
      const { state, revision } = await loadAggregate(this.events, stream, decider);
      const decided = decider.decide(command, state);
      if (decided.length === 0) return { previous: state, state, appended: 0, append: null };
      const context = typeof ctx === 'function' ? ctx(state) : ctx;
      try {
        const append = await this.events.appendToStream(
          stream,
          decided.map((e, i) => ({
            id: options.eventId?.(e, i, revision ?? -1),
            type: e.type,
            data: e.data,
            metadata: metadataFor(context, schemaVersionOf(e.type)),
          })),
          { expectedRevision: revision ?? 'no_stream' },
        );
        const next = decided.reduce((s, e) => decider.evolve(s, e), state);
        return { previous: state, state: next, appended: decided.length, append };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        if (attempt >= retries) {
          throw new Conflict(`${stream} was changed concurrently; try again`, { stream });
        }
      }
    }
  }
}

@CommandHandler(DecideManyCommand)
export class DecideManyCommandHandler implements ICommandHandler<
  DecideManyCommand<unknown, DomainEvent, unknown>
> {
  constructor(
    private readonly events: EventStore,
    private readonly one: DecideCommandHandler,
  ) {}

  execute<C, E extends DomainEvent, S>(
    cmd: DecideManyCommand<C, E, S>,
  ): Promise<ExecuteResult<S>[]> {
    return this.run(cmd.decider, cmd.items);
  }

  /**
   * The same pattern for many streams of one aggregate type at once (a check's members): load
   * all, decide all, append all in one multi-stream append. That append is one transaction on
   * SQLite but NOT on EventStoreDB, where the streams are written one by one and a failure can
   * leave the first ones written: those stay recorded as appended, and every other stream is
   * executed again on its own, decided on what it now holds, so nothing is decided on stale
   * state and nothing is written twice. A crash part-way converges the same way when the
   * batch is run again (each stream is decided again from what it holds), provided, as with
   * the import's observations, that deciding on a state that already has the outcome decides
   * nothing.
   */
  private async run<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    items: readonly {
      stream: string;
      command: C;
      ctx: CommandContext | ((state: S) => CommandContext);
    }[],
  ): Promise<ExecuteResult<S>[]> {
    const decided = await Promise.all(
      items.map(async (item) => {
        const { state, revision } = await loadAggregate(this.events, item.stream, decider);
        const events = decider.decide(item.command, state);
        return { item, state, revision, events };
      }),
    );
    const writes = decided.filter((d) => d.events.length > 0);
    let appends: readonly AppendResult[];
    let complete = true;
    try {
      appends = await this.events.appendToStreams(
        writes.map((d) => {
          const context = typeof d.item.ctx === 'function' ? d.item.ctx(d.state) : d.item.ctx;
          return {
            stream: d.item.stream,
            events: d.events.map((e) => ({
              type: e.type,
              data: e.data,
              metadata: metadataFor(context, schemaVersionOf(e.type)),
            })),
            expectedRevision: d.revision ?? 'no_stream',
          };
        }),
      );
    } catch (error) {
      const cause = error instanceof PartialAppend ? error.cause : error;
      if (!(cause instanceof WrongExpectedRevision)) throw error;
      appends = error instanceof PartialAppend ? error.written : [];
      complete = false;
    }
    const results: ExecuteResult<S>[] = [];
    let next = 0;
    for (const d of decided) {
      if (d.events.length > 0 && next < appends.length) {
        results.push({
          previous: d.state,
          state: d.events.reduce((s, e) => decider.evolve(s, e), d.state),
          appended: d.events.length,
          append: appends[next++],
        });
      } else if (complete) {
        results.push({ previous: d.state, state: d.state, appended: 0, append: null });
      } else {
        results.push(
          await this.one.execute(
            new DecideCommand(d.item.stream, decider, d.item.command, d.item.ctx),
          ),
        );
      }
    }
    return results;
  }
}

/**
 * What services call: every command goes through @nestjs/cqrs's CommandBus to the handlers
 * above; reads of an aggregate's current state go straight to its stream.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    private readonly events: EventStore,
    private readonly bus: CommandBus,
  ) {}

  load<C, E extends DomainEvent, S>(
    stream: string,
    decider: Decider<C, E, S>,
  ): Promise<{ state: S; revision: number | null }> {
    return loadAggregate(this.events, stream, decider);
  }

  execute<C, E extends DomainEvent, S>(
    stream: string,
    decider: Decider<C, E, S>,
    command: C,
    ctx: ContextOf<S>,
    options: ExecuteOptions<E> = {},
  ): Promise<ExecuteResult<S>> {
    return this.bus.execute(new DecideCommand(stream, decider, command, ctx, options));
  }

  executeMany<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    items: readonly { stream: string; command: C; ctx: ContextOf<S> }[],
  ): Promise<ExecuteResult<S>[]> {
    return this.bus.execute(new DecideManyCommand(decider, items));
  }
}

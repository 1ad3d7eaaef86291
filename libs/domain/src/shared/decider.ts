/**
 * The shape of every aggregate: pure functions over events, callable from a test without Nest
 * or I/O. `decide` returns the new facts or throws a DomainError.
 */
export interface Decider<Command, Event, State> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** A domain event as the decider sees it: its type and data, without the store's envelope. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState;
  for (const e of events) state = decider.evolve(state, e);
  return state;
}

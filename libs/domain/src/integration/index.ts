export * from './integration.events';
export * from './integration.decider';
export * from './health';
export * from './departures';

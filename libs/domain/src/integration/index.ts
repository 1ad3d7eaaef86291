export * from './integration.events';
export * from './integration.decider';

export * from './catalog.events';
export * from './catalog.decider';

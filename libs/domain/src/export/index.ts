export * from './export.events';
export * from './export.decider';

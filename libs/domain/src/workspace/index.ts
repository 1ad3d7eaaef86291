export * from './workspace.events';
export * from './workspace.decider';

export * from './automation.events';
export * from './automation-task.decider';

export * from './automation.events';
export * from './automation-task.decider';
export * from './automation-account.decider';

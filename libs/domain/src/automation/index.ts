export * from './automation.events';
export * from './automation-account.decider';

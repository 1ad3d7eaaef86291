export * from './notification.events';
export * from './notification.decider';

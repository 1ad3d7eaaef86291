export * from './deprovision.events';
export * from './deprovision.decider';

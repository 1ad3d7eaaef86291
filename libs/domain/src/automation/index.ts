export * from './automation.events';

export * from './person.events';
export * from './person.decider';

export * from './member.events';
export * from './member.decider';

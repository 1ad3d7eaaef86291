export * from './member.events';
export * from './member.decider';
export * from './member.upcasters';

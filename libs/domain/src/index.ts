export * from './shared/decider';
export * from './shared/errors';
export * from './shared/ids';
export * from './workspace';

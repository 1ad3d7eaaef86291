export * from './app-config';
export * from './persistence.module';
export * from './projections.module';
export * from './projections.registry';
export * from './event-catalogue';
export * from './command-executor';

export * from './app-config';
export * from './persistence.module';
export * from './projections.module';
export * from './event-catalogue';
export * from './command-executor';
export * from './http-errors';
export * from './request-body';
export * from './validators';

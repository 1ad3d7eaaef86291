export * from './graphql-api.module';
export * from './limits';
export * from './batch-loader';

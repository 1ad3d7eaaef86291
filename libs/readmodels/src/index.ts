// The adapters are not exported here: import them from `@app/readmodels/sqlite` or
// `@app/readmodels/mongodb`, or let the factory pick one, so that the mongodb driver is
// only loaded where it is used.
export * from './read-model-store.port';
export { UnknownCollection } from './internal/errors';
export * from './factory';
export * from './lease.port';

export * from './event-store.port';
export * from './errors';
export * from './event-store';
export * from './upcasting';
export * from './factory';
export * from './personal-data';

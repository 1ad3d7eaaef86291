export * from './projection';
export * from './projection-runner';
export * from './batches';
export * from './unit-of-work';
export * from './digest';
export * from './verify';
export * from './core/streams.projection';
export * from './durable-consumer';

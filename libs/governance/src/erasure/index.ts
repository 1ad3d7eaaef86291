export * from './scrubber';

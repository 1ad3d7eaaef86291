export * from './scrubber';
export * from './erasure.service';
export * from './erasure.module';

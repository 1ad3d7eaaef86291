export * from './mail.port';
export * from './smtp-transport';
export * from './outbox-transport';
export * from './factory';

export * from './fields';
export * from './json.scalar';
export * from './member.models';
export * from './integration.models';
export * from './identity.models';
export * from './error.models';
export * from './openapi';
export * from './event.models';

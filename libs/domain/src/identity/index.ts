export * from './identity.attributes';
export * from './identity.events';
export * from './identity.commands';
export * from './identity.decider';
export * from './scim-errors';
export { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA } from './scim-values';
export * from './scim-user.parser';
export * from './scim-patch';
export * from './scim-filter';

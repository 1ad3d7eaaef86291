export * from './errors';
export * from './vault';
export * from './vault-key';
export * from './vault-storage';
export * from './sqlite-vault-storage';
export * from './vault.module';

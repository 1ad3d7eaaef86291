export { SqliteReadModelStore, type SqliteReadModelStoreOptions } from './sqlite-read-model-store';

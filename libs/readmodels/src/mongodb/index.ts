export { MongoReadModelStore, type MongoReadModelStoreOptions } from './mongo-read-model-store';

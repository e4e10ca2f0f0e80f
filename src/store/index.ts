export { openStore, type OpenStoreOptions } from './open-store.js';
export { parseDatabaseUrl, type DatabaseLocation } from './database-url.js';
export { DatabaseUrlError, StoreError } from './errors.js';
export * from './types.js';

import { METADATA_EVENTS, SYNCHRONIZATION_EVENTS } from '#contracts';
import type { ServiceRegistration } from '#platform';
import { METADATA_STORE_MIGRATIONS } from './metadata-store.migrations.js';
import { MetadataStoreModule } from './metadata-store.module.js';

export { MetadataStoreModule };
export * from './metadata-store.api.js';
export { MetadataErrorCodes } from './metadata-store.errors.js';
export { METADATA_STORE_MIGRATIONS } from './metadata-store.migrations.js';
export { contentRelativePath, contentUrlPath } from './content-store/content-path.js';

export const MetadataStoreService: ServiceRegistration = {
  name: 'metadata-store',
  module: MetadataStoreModule,
  // The import path records synchronization runs; the future sync worker will write the same events.
  eventDefinitions: [...METADATA_EVENTS, ...SYNCHRONIZATION_EVENTS],
  migrations: METADATA_STORE_MIGRATIONS,
};

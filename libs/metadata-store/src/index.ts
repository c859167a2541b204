import type { ServiceRegistration } from '#platform';
import { MetadataStoreModule } from './metadata-store.module.js';

export { MetadataStoreModule };

export const MetadataStoreService: ServiceRegistration = {
  name: 'metadata-store',
  module: MetadataStoreModule,
  eventDefinitions: [],
  migrations: [],
};

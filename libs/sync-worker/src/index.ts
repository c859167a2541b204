import type { ServiceRegistration } from '#platform';
import { SyncWorkerModule } from './sync-worker.module.js';

export { SyncWorkerModule };

export const SyncWorkerService: ServiceRegistration = {
  name: 'sync-worker',
  module: SyncWorkerModule,
  eventDefinitions: [],
  migrations: [],
};

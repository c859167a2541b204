import { DEPLOYMENT_EVENTS } from '#contracts';
import type { ServiceRegistration } from '#platform';
import { DeploymentModule } from './deployment.module.js';
import { DEPLOYMENT_MIGRATIONS } from './projections/deployment.migrations.js';

export { DeploymentModule };

export const DeploymentService: ServiceRegistration = {
  name: 'deployment',
  module: DeploymentModule,
  eventDefinitions: [...DEPLOYMENT_EVENTS],
  migrations: DEPLOYMENT_MIGRATIONS,
};

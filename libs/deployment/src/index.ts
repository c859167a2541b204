import type { ServiceRegistration } from '#platform';
import { DeploymentModule } from './deployment.module.js';

export { DeploymentModule };

export const DeploymentService: ServiceRegistration = {
  name: 'deployment',
  module: DeploymentModule,
  eventDefinitions: [],
  migrations: [],
};

import type { ServiceRegistration } from '#platform';
import { ReportingModule } from './reporting.module.js';

export { ReportingModule };

export const ReportingService: ServiceRegistration = {
  name: 'reporting',
  module: ReportingModule,
  eventDefinitions: [],
  migrations: [],
};

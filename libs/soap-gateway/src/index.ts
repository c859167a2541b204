import type { ServiceRegistration } from '#platform';
import { SoapGatewayModule } from './soap-gateway.module.js';

export { SoapGatewayModule };

export const SoapGatewayService: ServiceRegistration = {
  name: 'soap-gateway',
  module: SoapGatewayModule,
  eventDefinitions: [],
  migrations: [],
};

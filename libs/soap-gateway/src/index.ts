import type { ServiceRegistration } from '#platform';
import { SoapGatewayModule } from './soap-gateway.module.js';

export { SoapGatewayModule };
export type { WuspCallContext, WuspOperationHandler } from './wusp-endpoint/wusp-operation.handler.js';
export { WuspFault } from './wusp-endpoint/wusp-operation.handler.js';
export { WuspOperationRegistry } from './wusp-endpoint/wusp-operation.registry.js';
export { ClientCookies, type ClientCookieState, type OpenedClientCookie } from './cookies/client-cookies.service.js';
export { contentBaseUrl } from './get-file-locations/content-base-url.js';
export { lookUpFileLocations } from './get-file-locations/get-file-locations.soap.handler.js';

export const SoapGatewayService: ServiceRegistration = {
  name: 'soap-gateway',
  module: SoapGatewayModule,
  eventDefinitions: [],
  migrations: [],
};

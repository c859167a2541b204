/** targetNamespace of each MS-WUSP service (wusp.md §2.1); every request/response child is qualified with it. */
export const SIMPLE_AUTH_NS = 'http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService';
export const CLIENT_NS = 'http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService';
export const REPORTING_NS = 'http://www.microsoft.com/SoftwareDistribution';

export type WuspService = 'SimpleAuth' | 'Client' | 'Reporting';

export const WUSP_SERVICE_NAMESPACE: Readonly<Record<WuspService, string>> = {
  SimpleAuth: SIMPLE_AUTH_NS,
  Client: CLIENT_NS,
  Reporting: REPORTING_NS,
};

/** Every MS-WUSP SOAPAction is `<targetNamespace>/<operation>` (schema-summary.md). */
export function wuspAction(service: WuspService, operation: string): string {
  return `${WUSP_SERVICE_NAMESPACE[service]}/${operation}`;
}

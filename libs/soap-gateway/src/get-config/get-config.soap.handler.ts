import { Inject, Injectable } from '@nestjs/common';
import type { GetConfigRequest, GetConfigResponse } from '#wsus-codecs';
import { DEFAULT_MAX_EXTENDED_UPDATES_PER_REQUEST } from '#wsus-codecs';
import { ServerConfigurationView } from '../server-state/server-configuration.view.js';
import type { WuspCallContext, WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

/** Relative, as WSUS sends it; the client appends it to `http://<server>:<port>/` (§2.2.2.2.1). */
export const SIMPLE_AUTH_SERVICE_URL = 'SimpleAuthWebService/SimpleAuth.asmx';
/** Advertising 3.2 is what makes a current WUA do category scans (observed-interop.md A.2). */
export const SERVER_PROTOCOL_VERSION = '3.2';

/**
 * GetConfig (§3.1.5.2), shaped like WS2025's answer (fixture 01): LastChange = configuration
 * generation, registration required, one SimpleTargeting plug-in with an empty Parameter, and the
 * five properties in WSUS's order. AllowedEventIds is omitted as WS2025 does.
 */
@Injectable()
export class GetConfigSoapHandler implements WuspOperationHandler<'GetConfig'> {
  readonly operation = 'GetConfig' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ServerConfigurationView) private readonly configuration: ServerConfigurationView,
  ) {
    registry.registerDefault(this);
  }

  async handle(_request: GetConfigRequest, context: WuspCallContext): Promise<GetConfigResponse> {
    const server = await this.configuration.snapshot();
    return {
      lastChange: server.configGeneration,
      isRegistrationRequired: true,
      authInfo: [{ plugInId: 'SimpleTargeting', serviceUrl: SIMPLE_AUTH_SERVICE_URL, parameter: '' }],
      properties: [
        { name: 'MaxExtendedUpdatesPerRequest', value: String(DEFAULT_MAX_EXTENDED_UPDATES_PER_REQUEST) },
        // A UNC repair path on WSUS; clients only use it for locally published packages, which are
        // served over HTTP here. Kept so the property set is the one clients know.
        { name: 'PackageServerShare', value: `\\\\${hostName(context.host)}\\UpdateServicesPackages` },
        { name: 'ProtocolVersion', value: SERVER_PROTOCOL_VERSION },
        { name: 'IsInventoryRequired', value: '0' },
        { name: 'ClientReportingLevel', value: '2' },
      ],
    };
  }
}

function hostName(host: string | null): string {
  if (host === null || host === '') return 'localhost';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

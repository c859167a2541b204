import { Inject, Injectable } from '@nestjs/common';
import { type GetCookieRequest, type GetCookieResponse, WuspErrorCode } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { ServerConfigurationView } from '../server-state/server-configuration.view.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

/**
 * GetCookie (§3.1.5.4): authorization cookie → InvalidAuthorizationCookie when unusable; lastChange
 * older than the configuration → ConfigChanged; an oldCookie with EncryptedData must be ours
 * (InvalidCookie / ServerChanged) and, when it is the same computer's, its sync state is carried over
 * (SHOULD). The native client's first-contact oldCookie has only Expiration (fixture 03): fresh cookie.
 */
@Injectable()
export class GetCookieSoapHandler implements WuspOperationHandler<'GetCookie'> {
  readonly operation = 'GetCookie' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Inject(ServerConfigurationView) private readonly configuration: ServerConfigurationView,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: GetCookieRequest, context: WuspCallContext): Promise<GetCookieResponse> {
    const auth = await this.cookies.openAuthorization(request.authCookie.cookieData, context.now);
    const server = await this.configuration.snapshot();
    const lastChange = Date.parse(request.lastChange);
    if (Number.isNaN(lastChange)) throw new WuspFault(WuspErrorCode.InvalidParameters, 'lastChange');
    // Only older is a change: a newer value came from a gateway further along the log than this one.
    if (lastChange < server.configGeneration.getTime()) throw new WuspFault(WuspErrorCode.ConfigChanged, '', { diagnostic: 'GetCookie lastChange is older than the configuration' });

    let carried: { lastSyncAnchor: string | null; lastSyncAt: string | null } = { lastSyncAnchor: null, lastSyncAt: null };
    if (request.oldCookie?.encryptedData !== undefined) {
      const old = await this.cookies.open(request.oldCookie, context.now, { allowExpired: true });
      if (old.state.computerId === auth.computerId) carried = { lastSyncAnchor: old.state.lastSyncAnchor, lastSyncAt: old.state.lastSyncAt };
    }
    const { cookie } = await this.cookies.issue(
      {
        computerId: auth.computerId,
        dnsName: auth.dnsName,
        requestedGroupNames: auth.requestedGroupNames,
        groupIds: auth.groupIds,
        protocolVersion: request.protocolVersion,
        ...carried,
      },
      context.now,
    );
    return cookie;
  }
}

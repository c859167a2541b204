import { Inject, Injectable } from '@nestjs/common';
import { subject } from '#contracts';
import type { ServiceBus } from '#messaging';
import { SERVICE_BUS } from '#platform';
import { type GetAuthorizationCookieRequest, type GetAuthorizationCookieResponse, WuspErrorCode } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { ServerConfigurationView } from '../server-state/server-configuration.view.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

export const RESOLVE_CLIENT_TARGETING_SUBJECT = subject('deployment', 'qry', 'resolve-client-targeting');
/** Reporting names the computer's event stream after its id; longer ids cannot be stored (our limit). */
export const MAX_COMPUTER_ID_LENGTH = 191;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Group Policy TargetGroup may list several groups separated by ';' (WSUS client-side targeting). */
export function splitTargetGroupNames(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...new Set(value.split(';').map((n) => n.trim()).filter((n) => n.length > 0 && n.length <= 256))].slice(0, 64);
}

/**
 * SimpleAuth GetAuthorizationCookie (§3.1.5.3). In client-side targeting mode the requested group
 * names are resolved by the deployment service (which also records the membership); if it cannot be
 * asked, the client gets InternalServerError and retries, never a cookie with the wrong groups.
 * In server-side mode the names are only kept; membership comes from the log.
 */
@Injectable()
export class GetAuthorizationCookieSoapHandler implements WuspOperationHandler<'GetAuthorizationCookie'> {
  readonly operation = 'GetAuthorizationCookie' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Inject(ServerConfigurationView) private readonly configuration: ServerConfigurationView,
    @Inject(SERVICE_BUS) private readonly bus: ServiceBus,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: GetAuthorizationCookieRequest, context: WuspCallContext): Promise<GetAuthorizationCookieResponse> {
    // ClientIdString is lower-case by definition (glossary); one spelling per computer everywhere.
    const computerId = request.clientId.toLowerCase();
    if (computerId.length > MAX_COMPUTER_ID_LENGTH) throw new WuspFault(WuspErrorCode.InvalidParameters, 'clientId');
    const requestedGroupNames = splitTargetGroupNames(request.targetGroupName);
    const server = await this.configuration.snapshot();
    const groupIds = server.targetingMode === 'client-side' ? await this.resolve(computerId, requestedGroupNames, context) : null;
    const cookieData = await this.cookies.issueAuthorization({ computerId, dnsName: request.dnsName, requestedGroupNames, groupIds }, context.now);
    return { plugInId: 'SimpleTargeting', cookieData };
  }

  private async resolve(computerId: string, requestedGroupNames: string[], context: WuspCallContext): Promise<string[]> {
    let reply: { groupIds?: unknown };
    try {
      reply = await this.bus.request<{ groupIds?: unknown }>(RESOLVE_CLIENT_TARGETING_SUBJECT, { computerId, requestedGroupNames }, { correlationId: context.correlationId });
    } catch (error) {
      throw new WuspFault(WuspErrorCode.InternalServerError, '', { cause: error, diagnostic: 'deployment service did not resolve client-side targeting' });
    }
    const ids = Array.isArray(reply.groupIds) ? reply.groupIds.map((g) => (typeof g === 'string' ? g.toLowerCase() : '')) : null;
    if (ids === null || ids.some((g) => !GUID.test(g))) {
      throw new WuspFault(WuspErrorCode.InternalServerError, '', { diagnostic: 'deployment service answered resolve-client-targeting without valid groupIds' });
    }
    return ids;
  }
}

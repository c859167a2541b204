import { Inject, Injectable, Optional } from '@nestjs/common';
import type { RefreshCacheRequest, RefreshCacheResponse, UpdateIdentity } from '#wsus-codecs';
import { ClientCookies, type ClientCookieState } from '../cookies/client-cookies.service.js';
import type { WuspCallContext, WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

/**
 * The deployment table lookup RefreshCache needs (§3.1.5.8): for each GlobalID deployed to the
 * client's groups, its RevisionID, IsLeaf and Deployment. Provided by the scan index.
 */
export const REFRESH_CACHE_LOOKUP = Symbol('REFRESH_CACHE_LOOKUP');
export interface RefreshCacheLookup {
  refresh(globalIds: readonly UpdateIdentity[], client: ClientCookieState): Promise<RefreshCacheResponse>;
}

/**
 * RefreshCache (§3.1.5.8): cookie checked; one result per GlobalID that has a deployment for the
 * client's groups. Without a lookup the answer is empty — valid, it only means "nothing remapped",
 * and the client then gets everything again from SyncUpdates.
 */
@Injectable()
export class RefreshCacheSoapHandler implements WuspOperationHandler<'RefreshCache'> {
  readonly operation = 'RefreshCache' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Optional() @Inject(REFRESH_CACHE_LOOKUP) private readonly lookup: RefreshCacheLookup | null,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: RefreshCacheRequest, context: WuspCallContext): Promise<RefreshCacheResponse> {
    const { state } = await this.cookies.open(request.cookie, context.now);
    return this.lookup ? this.lookup.refresh(request.globalIds, state) : [];
  }
}

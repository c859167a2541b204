import { Inject, Injectable } from '@nestjs/common';
import { CodedError } from '#contracts';
import { WATERSHED_CONFIG, type WatershedConfig } from '#platform';
import {
  type GetExtendedUpdateInfo2Request,
  type GetExtendedUpdateInfo2Response,
  type GetExtendedUpdateInfoRequest,
  type GetExtendedUpdateInfoResponse,
  WuspErrorCode,
} from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { contentBaseUrl } from '../get-file-locations/content-base-url.js';
import { ScanIndexService } from '../scan-index/scan-index.service.js';
import { DEFAULT_ANCHOR_WAIT_MS, DEFAULT_READY_WAIT_MS } from '../scan-index/scan-settings.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';
import { ExtendedUpdateInfoService } from './extended-update-info.service.js';

/** Cookie, index readiness and bus failures, the same for both operations. */
abstract class ExtendedInfoHandlerBase {
  constructor(
    protected readonly cookies: ClientCookies,
    protected readonly index: ScanIndexService,
    protected readonly service: ExtendedUpdateInfoService,
    protected readonly config: WatershedConfig,
  ) {}

  protected async run<T>(cookie: GetExtendedUpdateInfoRequest['cookie'], context: WuspCallContext, answer: (client: { computerId: string; cookieGroupIds: readonly string[] | null }, call: { contentBaseUrl: string; correlationId: string }) => Promise<T>): Promise<T> {
    const { state, server } = await this.cookies.open(cookie, context.now);
    if (!(await this.index.whenReady(DEFAULT_READY_WAIT_MS))) throw new WuspFault(WuspErrorCode.ServerBusy, '', { diagnostic: 'scan index is still replaying the log' });
    // As in SyncUpdates: a replica behind the client's anchor would call its newest revisions out of scope.
    const atAnchor = await this.index.whenAtAnchor(state.lastSyncAnchor, DEFAULT_ANCHOR_WAIT_MS);
    if (atAnchor === 'behind') throw new WuspFault(WuspErrorCode.ServerBusy, '', { diagnostic: 'scan index is behind the anchor in the client cookie' });
    // The RevisionIDs asked for were handed out by a history the restored store no longer has (S11).
    if (atAnchor === 'beyond-log') throw new WuspFault(WuspErrorCode.ServerChanged, '', { diagnostic: 'the anchor in the client cookie is past the end of the log (store restored?)' });
    const call = { contentBaseUrl: contentBaseUrl(server.contentBaseUrl, this.config, context), correlationId: context.correlationId };
    try {
      return await answer({ computerId: state.computerId, cookieGroupIds: state.groupIds }, call);
    } catch (error) {
      // The metadata store did not answer (timeout, no responder, its own failure): retry later.
      if (error instanceof CodedError) throw new WuspFault(WuspErrorCode.InternalServerError, '', { cause: error, diagnostic: `metadata store: ${error.code}` });
      throw error;
    }
  }
}

/** GetExtendedUpdateInfo (§3.1.5.9). */
@Injectable()
export class GetExtendedUpdateInfoSoapHandler extends ExtendedInfoHandlerBase implements WuspOperationHandler<'GetExtendedUpdateInfo'> {
  readonly operation = 'GetExtendedUpdateInfo' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) cookies: ClientCookies,
    @Inject(ScanIndexService) index: ScanIndexService,
    @Inject(ExtendedUpdateInfoService) service: ExtendedUpdateInfoService,
    @Inject(WATERSHED_CONFIG) config: WatershedConfig,
  ) {
    super(cookies, index, service, config);
    registry.register(this);
  }

  handle(request: GetExtendedUpdateInfoRequest, context: WuspCallContext): Promise<GetExtendedUpdateInfoResponse> {
    return this.run(request.cookie, context, (client, call) => this.service.getExtendedUpdateInfo(request, client, call));
  }
}

/** GetExtendedUpdateInfo2 (§2.2.2.2.10). */
@Injectable()
export class GetExtendedUpdateInfo2SoapHandler extends ExtendedInfoHandlerBase implements WuspOperationHandler<'GetExtendedUpdateInfo2'> {
  readonly operation = 'GetExtendedUpdateInfo2' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) cookies: ClientCookies,
    @Inject(ScanIndexService) index: ScanIndexService,
    @Inject(ExtendedUpdateInfoService) service: ExtendedUpdateInfoService,
    @Inject(WATERSHED_CONFIG) config: WatershedConfig,
  ) {
    super(cookies, index, service, config);
    registry.register(this);
  }

  handle(request: GetExtendedUpdateInfo2Request, context: WuspCallContext): Promise<GetExtendedUpdateInfo2Response> {
    return this.run(request.cookie, context, (client, call) => this.service.getExtendedUpdateInfo2(request, client, call));
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { type SyncUpdatesRequest, type SyncUpdatesResponse, WuspErrorCode } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';
import { ScanIndexService } from '../scan-index/scan-index.service.js';
import { DEFAULT_ANCHOR_WAIT_MS, DEFAULT_SCAN_SETTINGS, SCAN_SETTINGS, type ScanSettings } from '../scan-index/scan-settings.js';
import { syncUpdates } from './domain/sync-updates.query.js';
import { SettledScans } from './domain/settled-scans.js';

/**
 * SyncUpdates (§3.1.5.7), both passes. The cookie is checked with the configuration (ConfigChanged,
 * step 1); the answer is computed from one scan-index snapshot with no call to another service;
 * the NewCookie (MUST) carries the index anchor as the next call's ChangedUpdates watermark.
 */
@Injectable()
export class SyncUpdatesSoapHandler implements WuspOperationHandler<'SyncUpdates'> {
  readonly operation = 'SyncUpdates' as const;
  private readonly settings: ScanSettings;
  /** This gateway's computers whose last scan had nothing new: their unchanged rescans skip the NewUpdates walk. */
  private readonly settled = new SettledScans();

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Inject(ScanIndexService) private readonly index: ScanIndexService,
    @Optional() @Inject(SCAN_SETTINGS) settings: ScanSettings | null,
  ) {
    this.settings = settings ?? DEFAULT_SCAN_SETTINGS;
    registry.register(this);
  }

  async handle(request: SyncUpdatesRequest, context: WuspCallContext): Promise<SyncUpdatesResponse> {
    const { state } = await this.cookies.open(request.cookie, context.now, { checkConfiguration: true });
    if (!(await this.index.whenReady(this.settings.readyWaitMs))) {
      throw new WuspFault(WuspErrorCode.ServerBusy, '', { diagnostic: 'scan index is still replaying the log' });
    }
    // The client's last scan may have been answered by a replica further along the log: answering
    // from an older view would put the revisions it got there out of scope (protocol-decisions S11).
    const atAnchor = await this.index.whenAtAnchor(state.lastSyncAnchor, this.settings.anchorWaitMs ?? DEFAULT_ANCHOR_WAIT_MS);
    if (atAnchor === 'behind') throw new WuspFault(WuspErrorCode.ServerBusy, '', { diagnostic: 'scan index is behind the anchor in the client cookie' });
    // An anchor past the end of the log: the store was restored or reset, and RevisionIDs the client
    // caches may name other revisions now. ServerChanged makes it re-handshake and RefreshCache (S11).
    if (atAnchor === 'beyond-log') throw new WuspFault(WuspErrorCode.ServerChanged, '', { diagnostic: 'the anchor in the client cookie is past the end of the log (store restored?)' });
    const lastSyncAnchor = state.lastSyncAnchor;
    const outcome = this.index.read((view) =>
      syncUpdates(
        view,
        {
          computerId: state.computerId,
          cookieGroupIds: state.groupIds,
          clientProtocolVersion: state.protocolVersion,
          lastSyncAnchor,
          parameters: request.parameters,
        },
        view.scanSettings,
        this.settled,
      ),
    );
    const newCookie = this.cookies.renew(state, { lastSyncAnchor: outcome.lastSyncAnchor, lastSyncAt: context.now.toISOString() });
    return { ...outcome.result, newCookie };
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { type SyncPrinterCatalogRequest, type SyncPrinterCatalogResponse, WuspErrorCode } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';
import { ScanIndexService } from '../scan-index/scan-index.service.js';
import { DEFAULT_ANCHOR_WAIT_MS, DEFAULT_SCAN_SETTINGS, SCAN_SETTINGS, type ScanSettings } from '../scan-index/scan-settings.js';
import { syncPrinterCatalog } from './domain/sync-printer-catalog.query.js';

/**
 * SyncPrinterCatalog (§3.1.5.12), used only by the Add Printer Wizard: the same cookie and
 * configuration checks as SyncUpdates, then the approved printer drivers from the scan index
 * (sync-printer-catalog.query.ts). A process without the scan index answers a valid empty SyncInfo.
 */
@Injectable()
export class SyncPrinterCatalogSoapHandler implements WuspOperationHandler<'SyncPrinterCatalog'> {
  readonly operation = 'SyncPrinterCatalog' as const;
  private readonly settings: ScanSettings;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Optional() @Inject(ScanIndexService) private readonly index: ScanIndexService | null,
    @Optional() @Inject(SCAN_SETTINGS) settings: ScanSettings | null,
  ) {
    this.settings = settings ?? DEFAULT_SCAN_SETTINGS;
    registry.registerDefault(this);
  }

  async handle(request: SyncPrinterCatalogRequest, context: WuspCallContext): Promise<SyncPrinterCatalogResponse> {
    const { state } = await this.cookies.open(request.cookie, context.now, { checkConfiguration: true });
    const index = this.index;
    if (index === null) return { truncated: false, newCookie: this.cookies.renew(state) };
    if (!(await index.whenReady(this.settings.readyWaitMs))) {
      throw new WuspFault(WuspErrorCode.ServerBusy, '', { diagnostic: 'scan index is still replaying the log' });
    }
    const atAnchor = await index.whenAtAnchor(state.lastSyncAnchor, this.settings.anchorWaitMs ?? DEFAULT_ANCHOR_WAIT_MS);
    if (atAnchor === 'behind') throw new WuspFault(WuspErrorCode.ServerBusy, '', { diagnostic: 'scan index is behind the anchor in the client cookie' });
    // As SyncUpdates: a restored store may have given the client's cached RevisionIDs to other revisions (S11).
    if (atAnchor === 'beyond-log') throw new WuspFault(WuspErrorCode.ServerChanged, '', { diagnostic: 'the anchor in the client cookie is past the end of the log (store restored?)' });
    const result = index.read((view) =>
      syncPrinterCatalog(
        view,
        {
          computerId: state.computerId,
          cookieGroupIds: state.groupIds,
          clientProtocolVersion: state.protocolVersion,
          lastSyncAnchor: state.lastSyncAnchor,
          installedNonLeafUpdateIds: request.installedNonLeafUpdateIds ?? [],
          printerUpdateIds: request.printerUpdateIds ?? [],
        },
        view.scanSettings,
      ),
    );
    // The cookie keeps SyncUpdates' watermark (see the query).
    return { ...result, newCookie: this.cookies.renew(state) };
  }
}

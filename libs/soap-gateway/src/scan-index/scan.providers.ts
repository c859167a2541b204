import type { Provider } from '@nestjs/common';
import type { ServiceBus } from '#messaging';
import { SERVICE_BUS } from '#platform';
import { type UpdateIdentity, WuspErrorCode } from '#wsus-codecs';
import type { ClientCookieState } from '../cookies/client-cookies.service.js';
import { ExtendedUpdateInfoService } from '../extended-update-info/extended-update-info.service.js';
import { GetExtendedUpdateInfo2SoapHandler, GetExtendedUpdateInfoSoapHandler } from '../extended-update-info/get-extended-update-info.soap.handler.js';
import { busMetadataStoreClient } from '../extended-update-info/metadata-store.client.js';
import { REFRESH_CACHE_LOOKUP, type RefreshCacheLookup } from '../refresh-cache/refresh-cache.soap.handler.js';
import { refreshCache } from '../sync-updates/domain/refresh-cache.query.js';
import { CATEGORY_KIND_LOOKUP, type CategoryKindLookup } from '../start-category-scan/start-category-scan.soap.handler.js';
import { SyncUpdatesSoapHandler } from '../sync-updates/sync-updates.soap.handler.js';
import { WuspFault } from '../wusp-endpoint/wusp-operation.handler.js';
import { ScanIndexService } from './scan-index.service.js';
import { DEFAULT_ANCHOR_WAIT_MS, DEFAULT_SCAN_SETTINGS, SCAN_SETTINGS, type ScanSettings } from './scan-settings.js';

/**
 * Everything the scan path adds to the soap-gateway module: the index follower, the
 * GetExtendedUpdateInfo service (bus client + fragment cache), the SyncUpdates /
 * GetExtendedUpdateInfo / GetExtendedUpdateInfo2 handlers (they `register` over the pending
 * defaults), the RefreshCache lookup and StartCategoryScan's category kinds. Provide SCAN_SETTINGS to change the waits or the fragment cache.
 */
export const SCAN_PROVIDERS: Provider[] = [
  ScanIndexService,
  {
    provide: ExtendedUpdateInfoService,
    inject: [ScanIndexService, SERVICE_BUS, { token: SCAN_SETTINGS, optional: true }],
    useFactory: (index: ScanIndexService, bus: ServiceBus, settings: ScanSettings | undefined) => {
      const s = settings ?? DEFAULT_SCAN_SETTINGS;
      return new ExtendedUpdateInfoService(index, busMetadataStoreClient(bus), {
        ...(s.fragmentCacheEntries === undefined ? {} : { fragmentCacheEntries: s.fragmentCacheEntries }),
        ...(s.fragmentCacheChars === undefined ? {} : { fragmentCacheChars: s.fragmentCacheChars }),
      });
    },
  },
  {
    provide: REFRESH_CACHE_LOOKUP,
    inject: [ScanIndexService, { token: SCAN_SETTINGS, optional: true }],
    useFactory: (index: ScanIndexService, settings: ScanSettings | undefined): RefreshCacheLookup => ({
      async refresh(globalIds: readonly UpdateIdentity[], client: ClientCookieState) {
        const s = settings ?? DEFAULT_SCAN_SETTINGS;
        // Without a caught-up index the answer would wrongly say "nothing deployed"; empty is the safe "nothing remapped".
        if (!(await index.whenReady(s.readyWaitMs))) return [];
        if ((await index.whenAtAnchor(client.lastSyncAnchor, s.anchorWaitMs ?? DEFAULT_ANCHOR_WAIT_MS)) === 'behind') return [];
        return index.read((view) =>
          refreshCache(view, globalIds, { computerId: client.computerId, cookieGroupIds: client.groupIds, clientProtocolVersion: client.protocolVersion }, view.scanSettings.unapprovedPolicy),
        );
      },
    }),
  },
  {
    provide: CATEGORY_KIND_LOOKUP,
    inject: [ScanIndexService, { token: SCAN_SETTINGS, optional: true }],
    useFactory: (index: ScanIndexService, settings: ScanSettings | undefined): CategoryKindLookup => ({
      async withKinds(plan) {
        const s = settings ?? DEFAULT_SCAN_SETTINGS;
        if (!(await index.whenReady(s.readyWaitMs))) throw new WuspFault(WuspErrorCode.ServerBusy, '', { diagnostic: 'scan index is still replaying the log' });
        return index.read((view) => plan((id) => view.categoryKind(id)));
      },
    }),
  },
  SyncUpdatesSoapHandler,
  GetExtendedUpdateInfoSoapHandler,
  GetExtendedUpdateInfo2SoapHandler,
];

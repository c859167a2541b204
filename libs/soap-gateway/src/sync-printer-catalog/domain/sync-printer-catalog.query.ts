import type { SyncInfo, UpdateInfo } from '#wsus-codecs';
import type { ScanIndexView } from '../../scan-index/domain/scan-index.view.js';
import type { ScopeEntry, UnapprovedPolicy } from '../../scan-index/domain/scan-scope.js';
import { selectPrinterCatalog } from '../../sync-updates/domain/driver-pass.js';
import { updateInfoFor } from '../../sync-updates/domain/scan-deployment.js';
import { anchorPosition, installedUpdateIds, MAX_SYNC_UPDATES_PAGE_SIZE, prerequisitesSatisfied } from '../../sync-updates/domain/sync-updates.query.js';

export interface SyncPrinterCatalogQuery {
  readonly computerId: string;
  readonly cookieGroupIds: readonly string[] | null;
  readonly clientProtocolVersion: string;
  /** The cookie's lastSyncAnchor (written by SyncUpdates): the ChangedUpdates watermark; null = everything cached counts as changed. */
  readonly lastSyncAnchor: string | null;
  readonly installedNonLeafUpdateIds: readonly number[];
  readonly printerUpdateIds: readonly number[];
}

export interface SyncPrinterCatalogSettings {
  readonly pageSize: number;
  readonly unapprovedPolicy: UnapprovedPolicy;
}

/**
 * SyncPrinterCatalog (MS-WUSP §3.1.5.12) over one index snapshot: NeededRevisions = approved printer
 * drivers in the client's scope (driver-pass.ts selectPrinterCatalog) whose prerequisites are
 * installed; Cached = printerUpdateIDs; NewUpdates = needed − cached (paged, Truncated),
 * OutOfScopeRevisionIDs = cached − needed, ChangedUpdates = cached ∩ needed changed after the
 * cookie's anchor. The answer carries no anchor of its own: the cookie's watermark belongs to
 * SyncUpdates, and moving it here would hide software changes from the next scan.
 */
export function syncPrinterCatalog(view: ScanIndexView, query: SyncPrinterCatalogQuery, settings: SyncPrinterCatalogSettings): Omit<SyncInfo, 'newCookie'> {
  const pageSize = Math.min(Math.max(1, Math.floor(settings.pageSize)), MAX_SYNC_UPDATES_PAGE_SIZE);
  const groups = view.effectiveGroupIds(query.computerId, query.cookieGroupIds);
  const selection = selectPrinterCatalog(view.scope(groups, { pass: 'driver', policy: settings.unapprovedPolicy }));
  const { scope, hardwareIds } = selection;
  const info = (entry: ScopeEntry): UpdateInfo => updateInfoFor(view, entry, query.clientProtocolVersion, hardwareIds.get(entry.revision.revisionId));
  const installed = installedUpdateIds(view, query.installedNonLeafUpdateIds);
  const cached = new Set(query.printerUpdateIds);

  const newUpdates: UpdateInfo[] = [];
  let truncated = false;
  for (const entry of scope.ordered) {
    if (cached.has(entry.revision.revisionId) || !prerequisitesSatisfied(entry.revision, installed)) continue;
    if (newUpdates.length === pageSize) {
      truncated = true;
      break;
    }
    newUpdates.push(info(entry));
  }
  const since = view.versionAt(anchorPosition(query.lastSyncAnchor));
  const everythingChanged = query.lastSyncAnchor === null || view.everythingChangedSince(query.computerId, since);
  const outOfScope: number[] = [];
  const changed: UpdateInfo[] = [];
  for (const id of cached) {
    const entry = scope.byRevisionId.get(id);
    if (entry === undefined) outOfScope.push(id);
    else if (everythingChanged || view.changedSince(entry.revision.updateId, groups, since)) changed.push(info(entry));
  }
  return {
    ...(newUpdates.length > 0 ? { newUpdates } : {}),
    ...(outOfScope.length > 0 ? { outOfScopeRevisionIds: outOfScope } : {}),
    ...(changed.length > 0 ? { changedUpdates: changed } : {}),
    truncated,
  };
}

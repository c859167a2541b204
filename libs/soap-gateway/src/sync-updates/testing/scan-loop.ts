import type { UpdateInfo } from '#wsus-codecs';
import type { ScanIndexView } from '../../scan-index/domain/scan-index.view.js';
import { type SyncUpdatesOutcome, type SyncUpdatesSettings, syncUpdates, DEFAULT_SYNC_UPDATES_SETTINGS } from '../domain/sync-updates.query.js';

export interface ClientCache {
  readonly installedNonLeaf: number[];
  readonly otherCached: number[];
  lastSyncAnchor: string | null;
}

export const emptyClientCache = (): ClientCache => ({ installedNonLeaf: [], otherCached: [], lastSyncAnchor: null });

/**
 * Test-only: the client loop of MS-WUSP §3.1.5.7 as WUA runs it, with every returned non-leaf
 * revision evaluated as installed (categories' IsInstalled is True), everything else cached as
 * "other". Returns each round's outcome; stops when a round brings nothing new and is not truncated.
 */
export function runSoftwareScan(
  view: ScanIndexView,
  cache: ClientCache,
  options: { computerId?: string; cookieGroupIds?: readonly string[] | null; protocolVersion?: string; settings?: SyncUpdatesSettings; maxRounds?: number; filterCategoryIds?: readonly string[] } = {},
): SyncUpdatesOutcome[] {
  const rounds: SyncUpdatesOutcome[] = [];
  for (let round = 0; round < (options.maxRounds ?? 100); round += 1) {
    const first = cache.installedNonLeaf.length === 0 && cache.otherCached.length === 0;
    const outcome = syncUpdates(
      view,
      {
        computerId: options.computerId ?? 'pc-1',
        cookieGroupIds: options.cookieGroupIds ?? null,
        clientProtocolVersion: options.protocolVersion ?? '2.90',
        lastSyncAnchor: cache.lastSyncAnchor,
        parameters: {
          expressQuery: false,
          skipSoftwareSync: false,
          // The native client omits both arrays on the first call (fixture 06).
          ...(first ? {} : { installedNonLeafUpdateIds: [...cache.installedNonLeaf], otherCachedUpdateIds: [...cache.otherCached] }),
          ...(options.filterCategoryIds === undefined ? {} : { filterCategoryIds: options.filterCategoryIds, needTwoGroupOutOfScopeUpdates: true }),
        },
      },
      options.settings ?? DEFAULT_SYNC_UPDATES_SETTINGS,
    );
    rounds.push(outcome);
    cache.lastSyncAnchor = outcome.lastSyncAnchor;
    absorb(cache, outcome.result.newUpdates ?? []);
    const gone = new Set(outcome.result.outOfScopeRevisionIds ?? []);
    for (const list of [cache.installedNonLeaf, cache.otherCached]) {
      const kept = list.filter((id) => !gone.has(id));
      list.splice(0, list.length, ...kept);
    }
    const anyNonLeaf = (outcome.result.newUpdates ?? []).some((u) => !u.isLeaf);
    if (!outcome.result.truncated && !anyNonLeaf) break;
  }
  return rounds;
}

function absorb(cache: ClientCache, updates: readonly UpdateInfo[]): void {
  for (const u of updates) (u.isLeaf ? cache.otherCached : cache.installedNonLeaf).push(u.id);
}

export const idsOf = (updates: readonly UpdateInfo[] | undefined): number[] => (updates ?? []).map((u) => u.id);

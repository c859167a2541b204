import type { RefreshCacheResult, UpdateIdentity } from '#wsus-codecs';
import type { ScanIndexView } from '../../scan-index/domain/scan-index.view.js';
import type { UnapprovedPolicy } from '../../scan-index/domain/scan-scope.js';
import { deploymentFor } from './scan-deployment.js';

/**
 * RefreshCache (§3.1.5.8) from the scan index: one result per GlobalID that is the served revision
 * of an update deployed to the client, with its RevisionID, IsLeaf and Deployment. Bundle members
 * are left out, as WS2025 does (observed-interop.md A.4: the client re-syncs them). An older
 * revision than the one served gets nothing: SyncUpdates then brings the current one.
 */
export function refreshCache(
  view: ScanIndexView,
  globalIds: readonly UpdateIdentity[],
  client: { readonly computerId: string; readonly cookieGroupIds: readonly string[] | null; readonly clientProtocolVersion: string },
  policy: UnapprovedPolicy,
): RefreshCacheResult[] {
  const groups = view.effectiveGroupIds(client.computerId, client.cookieGroupIds);
  const software = view.scope(groups, { pass: 'software', policy });
  const drivers = view.scope(groups, { pass: 'driver', policy });
  const results: RefreshCacheResult[] = [];
  for (const globalId of globalIds) {
    const revisionId = view.revisionIdOf(globalId.updateId, globalId.revisionNumber);
    if (revisionId === undefined) continue;
    const entry = software.byRevisionId.get(revisionId) ?? drivers.byRevisionId.get(revisionId);
    if (entry === undefined || entry.kind === 'bundle') continue;
    results.push({ revisionId, globalId, isLeaf: entry.isLeaf, deployment: deploymentFor(view, entry, client.clientProtocolVersion) });
  }
  return results;
}

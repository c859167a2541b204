import type { UpdateIdentity, XmlUpdateFragmentType } from '#wsus-codecs';
import type { IndexedFile, RevisionEntry } from '../../scan-index/domain/scan-index.state.js';
import type { ScanIndexView } from '../../scan-index/domain/scan-index.view.js';
import type { UnapprovedPolicy } from '../../scan-index/domain/scan-scope.js';

export interface ExtendedInfoClient {
  readonly computerId: string;
  /** Client-side targeting groups from the cookie; null in server-side targeting. */
  readonly cookieGroupIds: readonly string[] | null;
}

/** What a GetExtendedUpdateInfo(2) call may serve, decided from one index snapshot before any await. */
export interface ExtendedInfoPlan {
  /** Requested revisions deployed to the client (any Action, Evaluate and Bundle included), in request order, once each. */
  readonly deployed: readonly RevisionEntry[];
  /**
   * Requested revisions not deployed to the client, unknown ids included (MS-WUSP §3.1.5.9: "SHOULD
   * be purged from the client's cache"); they get no fragments.
   */
  readonly outOfScopeRevisionIds: readonly number[];
  /** Distinct files (by SHA-1) of the deployed revisions, in first-seen order. */
  readonly files: readonly IndexedFile[];
}

export function planExtendedUpdateInfo(view: ScanIndexView, client: ExtendedInfoClient, revisionIds: readonly number[], policy: UnapprovedPolicy): ExtendedInfoPlan {
  const groups = view.effectiveGroupIds(client.computerId, client.cookieGroupIds);
  const software = view.scope(groups, { pass: 'software', policy });
  const drivers = view.scope(groups, { pass: 'driver', policy });
  const deployed: RevisionEntry[] = [];
  const outOfScope: number[] = [];
  const seen = new Set<number>();
  const files = new Map<string, IndexedFile>();
  for (const id of revisionIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    const entry = software.byRevisionId.get(id) ?? drivers.byRevisionId.get(id);
    if (entry === undefined) {
      outOfScope.push(id);
      continue;
    }
    deployed.push(entry.revision);
    for (const file of entry.revision.files) if (!files.has(file.sha1)) files.set(file.sha1, file);
  }
  return { deployed, outOfScopeRevisionIds: outOfScope, files: [...files.values()] };
}

/** GetExtendedUpdateInfo2 names updates by (UpdateID, RevisionNumber); unknown identities are dropped. */
export function revisionIdsOf(view: ScanIndexView, identities: readonly UpdateIdentity[]): number[] {
  const ids: number[] = [];
  for (const identity of identities) {
    const id = view.revisionIdOf(identity.updateId, identity.revisionNumber);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** The fragment types the metadata store serves; Core comes from the index, the rest have no derivation (wusp.md §10). */
export type StoreFragmentType = 'Extended' | 'LocalizedProperties' | 'Eula';

export function requestedStoreTypes(infoTypes: readonly XmlUpdateFragmentType[]): StoreFragmentType[] {
  const wanted: StoreFragmentType[] = [];
  for (const type of infoTypes) {
    if ((type === 'Extended' || type === 'LocalizedProperties' || type === 'Eula') && !wanted.includes(type)) wanted.push(type);
  }
  return wanted;
}

import { decodeAnchor, LOG_START, type LogPosition, normalizeGuid } from '#contracts';
import type { SyncInfo, SyncUpdateParameters, UpdateInfo } from '#wsus-codecs';
import type { ScanIndexView } from '../../scan-index/domain/scan-index.view.js';
import type { RevisionEntry } from '../../scan-index/domain/scan-index.state.js';
import type { ScanScope, ScopeEntry, UnapprovedPolicy } from '../../scan-index/domain/scan-scope.js';
import { candidatePositions } from '../../scan-index/domain/scope-prerequisite-index.js';
import { restrictScope, selectDriverPass } from './driver-pass.js';
import { clientVersionAtLeast } from './client-protocol-version.js';
import { updateInfoFor } from './scan-deployment.js';
import { CachedRevisionIds } from './cached-revision-ids.js';
import { scanRequestHash, type SettledScans } from './settled-scans.js';

/** The calls' cached-id set, reused: syncUpdates is synchronous, so one call at a time uses it. */
const cachedRevisionIds = new CachedRevisionIds();

/** NewUpdates per page: what Windows Server 2025 sends (observed-interop.md A.3); the spec's note says 200. */
export const DEFAULT_SYNC_UPDATES_PAGE_SIZE = 30;
export const MAX_SYNC_UPDATES_PAGE_SIZE = 1000;
/** Journal entries worth walking even for a small cache: a walk of this many costs less than a request's parse. */
const MIN_CHANGE_BUDGET = 256;

export interface SyncUpdatesSettings {
  readonly pageSize: number;
  readonly unapprovedPolicy: UnapprovedPolicy;
}

export const DEFAULT_SYNC_UPDATES_SETTINGS: SyncUpdatesSettings = { pageSize: DEFAULT_SYNC_UPDATES_PAGE_SIZE, unapprovedPolicy: 'approved-only' };

/** What one SyncUpdates call brings: the decoded parameters and what the cookie says about the client. */
export interface SyncUpdatesQuery {
  readonly computerId: string;
  /** Client-side targeting groups resolved into the cookie; null in server-side targeting. */
  readonly cookieGroupIds: readonly string[] | null;
  /** protocolVersion the client sent to GetCookie ("2.90"). */
  readonly clientProtocolVersion: string;
  /** The cookie's lastSyncAnchor; null before the first sync (every cached revision then counts as changed). */
  readonly lastSyncAnchor: string | null;
  readonly parameters: SyncUpdateParameters;
}

export interface SyncUpdatesOutcome {
  /** SyncInfo without NewCookie: the handler seals the cookie and adds it. */
  readonly result: Omit<SyncInfo, 'newCookie'>;
  /**
   * Store in the NewCookie as lastSyncAnchor: the index position this answer was computed at, or
   * the cookie's previous anchor when a category scan left a change outside its categories unsent.
   */
  readonly lastSyncAnchor: string | null;
}

/**
 * SyncUpdates (MS-WUSP §3.1.5.7) over one index snapshot, with no I/O: NeededRevisions is the
 * client's memoized scope; NewUpdates = needed − cached whose prerequisites are all satisfied by
 * InstalledNonLeafUpdateIDs (so categories and detectoids come a level per round, before what
 * depends on them), paged; OutOfScopeRevisionIDs = cached − needed; ChangedUpdates = cached ∩
 * needed whose deployment or IsLeaf moved after the cookie's anchor.
 */
export function syncUpdates(
  view: ScanIndexView,
  query: SyncUpdatesQuery,
  settings: SyncUpdatesSettings = DEFAULT_SYNC_UPDATES_SETTINGS,
  /** The gateway's memo of computers whose last answer had nothing new (settled-scans.ts); none: always walk. */
  settled?: SettledScans,
): SyncUpdatesOutcome {
  const p = query.parameters;
  const pageSize = Math.min(Math.max(1, Math.floor(settings.pageSize)), MAX_SYNC_UPDATES_PAGE_SIZE);
  const version = query.clientProtocolVersion;
  const modern17 = clientVersionAtLeast(version, 1, 7);
  const groups = view.effectiveGroupIds(query.computerId, query.cookieGroupIds);
  const pass = p.skipSoftwareSync ? 'driver' : 'software';
  const filter = new Set((p.filterCategoryIds ?? []).map(normalizeGuid));
  const policy = settings.unapprovedPolicy;

  let scope = view.scope(groups, { pass, policy });
  // A category scan narrows what is sent, never how: deployments always come from the full scope,
  // so a revision does not change Action between a category scan and a full one.
  let filtered = filter.size > 0 ? view.scope(groups, { pass, policy, filterCategoryIds: filter }) : scope;
  // The driver pass: only drivers that are some device's best match (MS-WUSP §3.1.5.7 3c).
  let hardwareIds: ReadonlyMap<number, readonly string[]> = new Map();
  if (pass === 'driver') {
    const selection = selectDriverPass(view, scope, p);
    hardwareIds = selection.hardwareIds;
    const keep = new Set(selection.scope.revisionIds);
    scope = selection.scope;
    filtered = filter.size > 0 ? restrictScope(filtered, keep) : scope;
  }
  // MUST NOT be returned to clients below 1.7 (server is 3.2); true when no driver is deployed to the client.
  // Blocked drivers are never sent (protocol-decisions D12), so they do not make a driver pass worthwhile.
  const driverSyncNotNeeded = (): { driverSyncNotNeeded?: boolean } => (modern17 ? { driverSyncNotNeeded: !deploysADriver(driverScope(view, groups, policy, filter)) } : {});

  // A full software scan may be answered from the gateway's memo (settled-scans.ts). Quiet: this
  // computer's last answer was empty in every list, the index has not moved since (so the anchor it
  // got maps to the current version) and it sends the same groups and ids: this function of the index
  // and the request gives the same empty answer, so no id is looked at.
  const memo = settled !== undefined && pass === 'software' && filter.size === 0 ? settled : undefined;
  const requestHash = memo === undefined ? 0 : scanRequestHash(groups, p.installedNonLeafUpdateIds ?? [], p.otherCachedUpdateIds ?? []);
  const since = view.versionAt(anchorPosition(query.lastSyncAnchor));
  if (memo !== undefined && query.lastSyncAnchor !== null && since === view.version && memo.isQuiet(query.computerId, view.version, requestHash)) {
    return { result: { truncated: false, ...driverSyncNotNeeded() }, lastSyncAnchor: view.anchor };
  }

  const info = (entry: ScopeEntry): UpdateInfo =>
    updateInfoFor(view, scope.byRevisionId.get(entry.revision.revisionId) ?? entry, version, hardwareIds.get(entry.revision.revisionId));

  const cached = cachedRevisionIds;
  cached.begin();
  const indexed = (id: number): boolean => view.revision(id) !== undefined;
  // Each id once, in the order sent (a client that repeats an id gets it back once, if at all).
  const sent: number[] = [];
  for (const id of pass === 'software' ? (p.installedNonLeafUpdateIds ?? []) : (p.cachedDriverIds ?? [])) if (cached.add(id, indexed)) sent.push(id);
  if (pass === 'software') for (const id of p.otherCachedUpdateIds ?? []) if (cached.add(id, indexed)) sent.push(id);

  // A category scan must not purge what the full scope still deploys: only what no scope holds is
  // out of scope; the rest is DeployedOutOfScope when the client asked for the split (§2.2.2.2.4).
  const splitOutOfScope = filter.size > 0 && p.needTwoGroupOutOfScopeUpdates === true && modern17;
  const outOfScope: number[] = [];
  const deployedOutOfScope: number[] = [];
  const changed: UpdateInfo[] = [];
  const everythingChanged = view.everythingChangedSince(query.computerId, since);
  // One journal walk shared by the clients rescanning from the same anchor, instead of a check per
  // cached revision; an anchor older than a few times the cache falls back to the per-revision check.
  const changedSet = everythingChanged ? undefined : view.changedUpdatesSince(groups, since, Math.max(MIN_CHANGE_BUDGET, 4 * sent.length));
  // The same as served revision ids: every entry of a scope is its update's served revision, so a
  // cached id is looked up as it came, without reading its entry for the update id (at 100k
  // revisions the entries are spread over a large heap and each read is a cache miss).
  const changedRevisions = changedSet === undefined ? undefined : view.servedRevisionIds(changedSet);
  // The entry is only read when the change set cannot answer by id (each read a cache miss at 100k).
  const changedSince = (id: number, entries: ScanScope['byRevisionId']): boolean =>
    everythingChanged || (changedRevisions !== undefined ? changedRevisions.has(id) : view.changedSince(entries.get(id)!.revision.updateId, groups, since));
  // A category scan reports changes only inside its categories; if something cached outside them
  // changed, the watermark must stay where it was so that the next full scan still reports it.
  let changeLeftUnreported = false;
  let cachedInScope = 0;
  for (const id of sent) {
    if (filtered.byRevisionId.has(id)) {
      cachedInScope += 1;
      if (changedSince(id, filtered.byRevisionId)) changed.push(info(filtered.byRevisionId.get(id)!));
      continue;
    }
    if (!scope.byRevisionId.has(id)) outOfScope.push(id);
    else {
      if (splitOutOfScope) deployedOutOfScope.push(id);
      if (changedSince(id, scope.byRevisionId)) changeLeftUnreported = true;
    }
  }

  // NewUpdates: the scope in paging order, less what is cached, less what waits for a prerequisite.
  // When the client caches the whole scope (a steady rescan) there is nothing to walk; otherwise only
  // what its installed non-leaf updates may unlock is looked at (newUpdateCandidates).
  const newUpdates: UpdateInfo[] = [];
  let truncated = false;
  if (cachedInScope < filtered.ordered.length) {
    // A full software scan that got nothing new last time, asking again from that answer with the
    // same groups and ids, with nothing changed since that can move its scope (the change set is
    // undefined when everything may have changed): nothing new again, without the walk.
    const settledBefore = memo !== undefined && query.lastSyncAnchor !== null && changedSet?.size === 0 && memo.isSettled(query.computerId, since, requestHash);
    if (!settledBefore) {
      const installed = installedUpdateIds(view, p.installedNonLeafUpdateIds ?? []);
      const positions = newUpdateCandidates(view, filtered, installed);
      // Cached candidates are told apart by id, without reading their entries: at 100k revisions
      // those are spread over a large heap and each read is a cache miss (a rescan caches them all).
      const { revisionIds } = filtered;
      const count = positions?.length ?? filtered.ordered.length;
      for (let i = 0; i < count; i += 1) {
        const position = positions === undefined ? i : positions[i]!;
        if (cached.has(revisionIds[position]!)) continue;
        const entry = filtered.ordered[position]!;
        if (!prerequisitesSatisfied(entry.revision, installed)) continue;
        if (newUpdates.length === pageSize) {
          truncated = true;
          break;
        }
        newUpdates.push(info(entry));
      }
    }
  }
  if (memo !== undefined) {
    // The anchor this answer carries maps back to this version (a full software scan never keeps the old anchor).
    const quiet = outOfScope.length === 0 && changed.length === 0 && deployedOutOfScope.length === 0 && !changeLeftUnreported;
    if (newUpdates.length === 0 && !truncated) memo.settle(query.computerId, view.version, requestHash, quiet);
    else memo.forget(query.computerId);
  }

  const result: Omit<SyncInfo, 'newCookie'> = {
    ...(newUpdates.length > 0 ? { newUpdates } : {}),
    ...(outOfScope.length > 0 ? { outOfScopeRevisionIds: outOfScope } : {}),
    ...(changed.length > 0 ? { changedUpdates: changed } : {}),
    truncated,
    ...(deployedOutOfScope.length > 0 ? { deployedOutOfScopeRevisionIds: deployedOutOfScope } : {}),
    ...driverSyncNotNeeded(),
  };
  return { result, lastSyncAnchor: changeLeftUnreported ? query.lastSyncAnchor : view.anchor };
}

/** Per memoized driver scope: a site where every approved driver is blocked must not walk them all on every call. */
const driverDeployed = new WeakMap<ScanScope, boolean>();

function deploysADriver(scope: ScanScope): boolean {
  let deployed = driverDeployed.get(scope);
  if (deployed === undefined) {
    deployed = scope.ordered.some((e) => e.approval?.action !== 'Block');
    driverDeployed.set(scope, deployed);
  }
  return deployed;
}

function driverScope(view: ScanIndexView, groups: readonly string[], policy: UnapprovedPolicy, filter: ReadonlySet<string>): ScanScope {
  return view.scope(groups, { pass: 'driver', policy, ...(filter.size > 0 ? { filterCategoryIds: filter } : {}) });
}

/** Below this many entries a scope is walked as it is: filing it by prerequisite would cost as much. */
const INDEXED_SCOPE_MIN = 256;

/**
 * Positions in the scope's paging order of the entries a client with these installed update ids may
 * be offered: only those filed under an installed prerequisite (scope-prerequisite-index.ts), so a
 * computer with a few products does not walk the whole approved catalog on every call. Undefined
 * for the whole scope: when the client's products cover most of it, or the scope is small. Either
 * way the caller checks each one.
 */
export function newUpdateCandidates(view: ScanIndexView, scope: ScanScope, installed: ReadonlySet<string>): readonly number[] | undefined {
  if (scope.ordered.length < INDEXED_SCOPE_MIN) return undefined;
  return candidatePositions(view.prerequisiteIndex(scope), installed, scope.ordered.length);
}

/** Installed non-leaf revisions as update ids: a prerequisite names an update, not a revision. */
export function installedUpdateIds(view: ScanIndexView, revisionIds: readonly number[]): Set<string> {
  const ids = new Set<string>();
  for (const id of revisionIds) {
    const revision = view.revision(id);
    if (revision !== undefined) ids.add(revision.updateId);
  }
  return ids;
}

/** CNF: every clause needs one installed member. An empty clause (malformed metadata) is ignored rather than blocking forever. */
export function prerequisitesSatisfied(revision: RevisionEntry, installed: ReadonlySet<string>): boolean {
  return revision.prerequisites.every((clause) => clause.length === 0 || clause.some((id) => installed.has(id)));
}

export function anchorPosition(anchor: string | null): LogPosition {
  try {
    return decodeAnchor(anchor);
  } catch {
    // An anchor we cannot read (older layout) makes every cached revision "changed": safe, only larger.
    return LOG_START;
  }
}

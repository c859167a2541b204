import { compareLogPositions, encodeAnchor, type LogPosition } from '#contracts';
import { type CategoryKind, categoryKindOf } from './category-tree.js';
import { effectiveGroupIds } from './effective-groups.js';
import { computeScanScope, deriveScanScope, type ScanScope, type ScopeOptions, type UnapprovedPolicy } from './scan-scope.js';
import { carryPrerequisiteIndex, type ScopePrerequisiteIndex, scopePrerequisiteIndex } from './scope-prerequisite-index.js';
import { identityKey, type RevisionEntry, type ScanIndexState, type TargetingMode } from './scan-index.state.js';

/** Scopes kept per index version; a handful of group combinations cover most sites. */
const MAX_MEMOIZED_SCOPES = 256;
const EMPTY: ReadonlySet<string> = new Set();
/**
 * Past this many change-journal entries since a scope was made, it is computed afresh rather than
 * derived: a bulk approval of thousands of updates walks most of the scope anyway.
 */
const MAX_DERIVED_CHANGES = 2_000;

interface MemoizedScope {
  readonly scope: ScanScope;
  /** The catalog version it is the scope of. */
  readonly catalogVersion: number;
  /** How long the change journal was then: what happened since is the journal after it. */
  readonly journalLength: number;
}

/**
 * Read access to the scan index. A view is only valid synchronously: the follower applies events
 * between awaits, so everything a request derives from the index must be computed before its first
 * await (`assertUnchanged` makes a violation loud in tests). Scopes are memoized per catalog version
 * (not per event: see ScanIndexState.catalogVersion), so many clients of the same groups share one
 * computation and a rescan is map lookups. When the catalog moves by approvals only, a scope is
 * derived from its previous version (the change journal names the approvals) instead of computed
 * over every approval again: the first call after an approval would otherwise hold every call in
 * flight for as long as a walk of the groups' whole approved catalog takes.
 */
export class ScanIndexView {
  private memoVersion = -1;
  private readonly scopes = new Map<string, MemoizedScope>();
  private readonly changeSets = new Map<string, ReadonlySet<string>>();
  private readonly servedRevisions = new WeakMap<ReadonlySet<string>, ReadonlySet<number>>();

  constructor(private readonly state: ScanIndexState) {}

  get version(): number {
    return this.state.version;
  }

  get position(): LogPosition {
    return this.state.position;
  }

  /** The opaque anchor of the last applied event, for the cookie's lastSyncAnchor. */
  get anchor(): string {
    return encodeAnchor(this.state.position);
  }

  get targetingMode(): TargetingMode {
    return this.state.targetingMode;
  }

  /** The configured SyncUpdates page size and unapproved-update policy, as of this snapshot. */
  get scanSettings(): { readonly pageSize: number; readonly unapprovedPolicy: UnapprovedPolicy } {
    return this.state.scanSettings;
  }

  get revisionCount(): number {
    return this.state.revisions.size;
  }

  assertUnchanged(version: number): void {
    if (this.state.version !== version) throw new Error(`scan index moved from version ${version} to ${this.state.version} during one read`);
  }

  revision(revisionId: number): RevisionEntry | undefined {
    return this.state.revisions.get(revisionId);
  }

  revisionIdOf(updateId: string, revisionNumber: number): number | undefined {
    return this.state.revisionIdByIdentity.get(identityKey(updateId.toLowerCase(), revisionNumber));
  }

  latestRevision(updateId: string): RevisionEntry | undefined {
    return this.state.updates.get(updateId.toLowerCase())?.latest;
  }

  /** Driver updates whose served revision has a WindowsDriverMetaData row for this hardware id (lower-cased). */
  driverUpdatesForHardwareId(hardwareId: string): ReadonlySet<string> {
    return this.state.driverUpdatesByHardwareId.get(hardwareId) ?? EMPTY;
  }

  /** What StartCategoryScan takes the id for: a product, a classification, another category, or unknown (undefined). */
  categoryKind(updateId: string): CategoryKind | undefined {
    return categoryKindOf(this.state.updates.get(updateId.toLowerCase())?.latest);
  }

  /** MS-WUSP §3.1.5.7: a leaf iff no prerequisite (categories included) names the update. */
  isLeaf(updateId: string): boolean {
    return !this.state.prerequisiteReferences.has(updateId);
  }

  isDeclined(updateId: string): boolean {
    return this.state.declined.has(updateId);
  }

  /** yyyy-MM-dd of the update's last change: LastChangeTime of deployments the server makes up. */
  changedOn(updateId: string): string {
    return this.state.updates.get(updateId)?.changedOn ?? '1970-01-01';
  }

  effectiveGroupIds(computerId: string, cookieGroupIds: readonly string[] | null): string[] {
    return effectiveGroupIds(this.state, computerId, cookieGroupIds);
  }

  /** Journal walks depend only on the catalog's events (ScanIndexState.catalogVersion); scopes carry their own version. */
  private refreshMemo(): void {
    if (this.memoVersion !== this.state.catalogVersion) {
      this.changeSets.clear();
      this.memoVersion = this.state.catalogVersion;
    }
  }

  scope(groupIds: readonly string[], options: ScopeOptions): ScanScope {
    const filter = options.filterCategoryIds === undefined ? '' : [...options.filterCategoryIds].sort().join(',');
    const key = `${options.pass}|${options.policy}|${groupIds.join(',')}|${filter}`;
    const memo = this.scopes.get(key);
    if (memo !== undefined && memo.catalogVersion === this.state.catalogVersion) return memo.scope;
    const scope = (memo === undefined ? undefined : this.derivedScope(memo, groupIds, options)) ?? computeScanScope(this.state, groupIds, options);
    if (memo === undefined && this.scopes.size >= MAX_MEMOIZED_SCOPES) this.scopes.clear();
    this.scopes.set(key, { scope, catalogVersion: this.state.catalogVersion, journalLength: this.state.changes.at.length });
    return scope;
  }

  /**
   * The memoized scope moved to the current catalog version, when the journal since it holds only
   * approval changes (entries with a group; an update's own change has none) and not too many.
   */
  private derivedScope(memo: MemoizedScope, groupIds: readonly string[], options: ScopeOptions): ScanScope | undefined {
    const { updateIds, groupIds: changeGroups } = this.state.changes;
    if (updateIds.length - memo.journalLength > MAX_DERIVED_CHANGES) return undefined;
    const groups = new Set(groupIds);
    const approvalChanged = new Set<string>();
    for (let i = memo.journalLength; i < updateIds.length; i += 1) {
      const groupId = changeGroups[i]!;
      if (groupId === null) return undefined;
      if (groups.has(groupId)) approvalChanged.add(updateIds[i]!);
    }
    if (approvalChanged.size === 0) return memo.scope;
    const derived = deriveScanScope(this.state, memo.scope, groupIds, options, approvalChanged);
    if (derived === undefined) return undefined;
    if (derived.move !== undefined) carryPrerequisiteIndex(this.state, memo.scope, derived.scope, derived.move);
    return derived.scope;
  }

  /** A scope's entries filed by prerequisite, so NewUpdates looks only at what a client's installed ids unlock. */
  prerequisiteIndex(scope: ScanScope): ScopePrerequisiteIndex {
    return scopePrerequisiteIndex(this.state, scope);
  }

  /**
   * The index version an anchor corresponds to: how many applied events are at or before it. An
   * anchor from a gateway further along the log maps to this index's current version.
   */
  versionAt(anchor: LogPosition): number {
    const positions = this.state.appliedPositions;
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareLogPositions(positions[mid]!, anchor) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Whether everything a computer sees may have moved after `since` (a version): its membership, the targeting mode, a deleted group. */
  everythingChangedSince(computerId: string, since: number): boolean {
    return this.state.globalChangedAt > since || (this.state.membershipChangedAt.get(computerId) ?? 0) > since;
  }

  /**
   * Whether the Deployment or IsLeaf a client sees for this update may have changed after `since`
   * (a version, see versionAt): the update itself (new revision, leaf flip, bundle membership,
   * undecline), an approval in one of the client's groups, or one of a bundle that contains it.
   * Conservative: a false positive only resends a deployment the client already has. Numbers, not
   * log positions, because a rescan asks this for every cached revision.
   */
  changedSince(updateId: string, groupIds: readonly string[], since: number): boolean {
    // Every change is stamped with a version at most the current one.
    if (since >= this.state.version) return false;
    if ((this.state.updates.get(updateId)?.changedAt ?? 0) > since) return true;
    if (this.approvalChangedSince(updateId, groupIds, since)) return true;
    const parents = this.state.bundleParents.get(updateId);
    if (parents !== undefined) {
      for (const parent of parents) {
        if (this.approvalChangedSince(parent, groupIds, since) || (this.state.updates.get(parent)?.changedAt ?? 0) > since) return true;
      }
    }
    return false;
  }

  /**
   * `changedSince` for every update at once: the updates whose Deployment or IsLeaf may have changed
   * for these groups after `since`, bundle members of a changed bundle included. Built from the
   * change journal's tail and memoized per catalog version, so the clients rescanning after one change
   * share it and each cached revision costs one set lookup. Undefined when more than `maxChanges`
   * changes happened since (an old anchor): asking per revision is then cheaper.
   */
  changedUpdatesSince(groupIds: readonly string[], since: number, maxChanges: number): ReadonlySet<string> | undefined {
    if (since >= this.state.version) return EMPTY;
    const { at, updateIds, groupIds: changeGroups } = this.state.changes;
    let low = 0;
    let high = at.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (at[mid]! <= since) low = mid + 1;
      else high = mid;
    }
    if (at.length - low > maxChanges) return undefined;
    this.refreshMemo();
    const key = `${since}|${groupIds.join(',')}`;
    const memo = this.changeSets.get(key);
    if (memo !== undefined) return memo;
    const groups = new Set(groupIds);
    const direct = new Set<string>();
    for (let i = low; i < at.length; i += 1) {
      const groupId = changeGroups[i]!;
      if (groupId === null || groups.has(groupId)) direct.add(updateIds[i]!);
    }
    // A bundle's change reaches its members (changedSince asks each member's bundleParents).
    const changed = new Set(direct);
    for (const updateId of direct) for (const member of this.state.updates.get(updateId)?.latest.bundledUpdateIds ?? []) changed.add(member);
    if (this.changeSets.size >= MAX_MEMOIZED_SCOPES) this.changeSets.clear();
    this.changeSets.set(key, changed);
    return changed;
  }

  /**
   * The served revision ids of a set of update ids (a `changedUpdatesSince` set), memoized with the set:
   * the clients rescanning after one change look their cached ids up in it as they are.
   */
  servedRevisionIds(updateIds: ReadonlySet<string>): ReadonlySet<number> {
    let revisionIds = this.servedRevisions.get(updateIds);
    if (revisionIds === undefined) {
      const ids = new Set<number>();
      for (const updateId of updateIds) {
        const revisionId = this.state.updates.get(updateId)?.latest.revisionId;
        if (revisionId !== undefined) ids.add(revisionId);
      }
      this.servedRevisions.set(updateIds, (revisionIds = ids));
    }
    return revisionIds;
  }

  private approvalChangedSince(updateId: string, groupIds: readonly string[], since: number): boolean {
    const byGroup = this.state.approvalChangedAt.get(updateId);
    if (byGroup === undefined) return false;
    for (const groupId of groupIds) if ((byGroup.get(groupId) ?? 0) > since) return true;
    return false;
  }
}

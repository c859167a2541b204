import type { UnapprovedUpdatePolicy } from '#contracts';
import { categoriesOf, expandCategoryFilter } from './category-tree.js';
import { effectiveApproval } from './effective-groups.js';
import type { ApprovalEntry, RevisionEntry, ScanIndexState } from './scan-index.state.js';

/**
 * Why a revision is in a client's scope, which decides its Deployment (wusp.md §8):
 * - `approved`: an approval of one of the client's groups (Block is sent as PreDeploymentCheck);
 * - `bundle`: bundled by a revision in scope (Action Bundle);
 * - `evaluate`: a category or detectoid, or a prerequisite of something in scope (Action Evaluate);
 * - `detect`: an unapproved software update under the `detect` policy (Action PreDeploymentCheck,
 *   how WSUS lets clients report "needed" for updates nobody approved yet).
 */
export type ScopeKind = 'approved' | 'bundle' | 'evaluate' | 'detect';

export interface ScopeEntry {
  readonly revision: RevisionEntry;
  readonly kind: ScopeKind;
  readonly approval?: ApprovalEntry;
  readonly isLeaf: boolean;
}

/**
 * Which unapproved software updates are in scope. `approved-only`: none (withdrawing an approval
 * takes an update out of scope: OutOfScopeRevisionIDs). `detect`: all that are not declined, with
 * PreDeploymentCheck, as WSUS does for "Not approved" updates.
 */
export type UnapprovedPolicy = UnapprovedUpdatePolicy;

export interface ScopeOptions {
  readonly pass: 'software' | 'driver';
  readonly policy: UnapprovedPolicy;
  /**
   * FilterCategoryIds of a category scan (lower-case); empty = unfiltered. An update is related to
   * them (§2.2.2.2.4) when it is one of them, under one of them (a product under a requested company
   * or family), or belongs to one of them or to a category under one of them.
   */
  readonly filterCategoryIds?: ReadonlySet<string>;
}

export interface ScanScope {
  /** The served (highest) revision of every update in scope: NeededRevisions of MS-WUSP §3.1.5.7 before prerequisite staging. */
  readonly byRevisionId: ReadonlyMap<number, ScopeEntry>;
  /** Same entries in the order NewUpdates pages them: non-leaf first (what others wait for), then by kind and revision id. */
  readonly ordered: readonly ScopeEntry[];
}

const KIND_PRECEDENCE: Readonly<Record<ScopeKind, number>> = { approved: 4, bundle: 3, detect: 2, evaluate: 1 };
const KIND_ORDER: Readonly<Record<ScopeKind, number>> = { evaluate: 0, bundle: 1, approved: 2, detect: 3 };

/**
 * NeededRevisions for one set of groups: the roots (approvals of the groups, every category and
 * detectoid, and under `detect` every unapproved software update), then everything they depend on
 * (prerequisites as Evaluate, bundle members as Bundle). Declined updates are never in scope. The
 * driver pass has only approved drivers (MS-WUSP §3.1.5.7 3c).
 */
export function computeScanScope(state: ScanIndexState, groupIds: readonly string[], options: ScopeOptions): ScanScope {
  const chosen = new Map<string, { kind: ScopeKind; approval?: ApprovalEntry }>();
  const filter = options.filterCategoryIds !== undefined && options.filterCategoryIds.size > 0 ? expandCategoryFilter(state, options.filterCategoryIds) : undefined;
  const wantedType = (updateId: string): boolean =>
    options.pass === 'driver' ? state.driverUpdates.has(updateId) : !state.driverUpdates.has(updateId);
  const inFilter = (updateId: string): boolean => {
    if (filter === undefined) return true;
    if (filter.has(updateId)) return true;
    const latest = state.updates.get(updateId)?.latest;
    return latest !== undefined && categoriesOf(state, latest).some((c) => filter.has(c));
  };
  const offer = (updateId: string, kind: ScopeKind, approval?: ApprovalEntry): boolean => {
    if (state.declined.has(updateId) || !state.updates.has(updateId) || !wantedType(updateId)) return false;
    const current = chosen.get(updateId);
    if (current !== undefined && KIND_PRECEDENCE[current.kind] >= KIND_PRECEDENCE[kind]) return false;
    chosen.set(updateId, approval === undefined ? { kind } : { kind, approval });
    return current === undefined;
  };

  const queue: string[] = [];
  const root = (updateId: string, kind: ScopeKind, approval?: ApprovalEntry): void => {
    if (inFilter(updateId) && offer(updateId, kind, approval)) queue.push(updateId);
  };
  const approvedIds = new Set<string>();
  for (const groupId of groupIds) for (const updateId of state.approvedUpdatesByGroup.get(groupId) ?? []) approvedIds.add(updateId);
  for (const updateId of approvedIds) {
    // Categories and detectoids are only ever evaluated; an approval of one (WSUS has none) is ignored.
    if (state.evaluateOnlyUpdates.has(updateId)) continue;
    const approval = effectiveApproval(state, updateId, groupIds);
    if (approval !== undefined) root(updateId, 'approved', approval);
  }
  if (options.pass === 'software') {
    for (const updateId of state.evaluateOnlyUpdates) root(updateId, 'evaluate');
    if (options.policy === 'detect') {
      // Bundle members come with their bundle; on their own they are not explicitly deployable.
      for (const updateId of state.softwareUpdates) if (!state.bundleParents.has(updateId)) root(updateId, 'detect');
    }
    // Dependencies: prerequisites (any member of an OR-clause may be the one installed) and bundle members.
    for (let i = 0; i < queue.length; i += 1) {
      const revision = state.updates.get(queue[i]!)!.latest;
      for (const clause of revision.prerequisites) for (const id of clause) if (offer(id, 'evaluate')) queue.push(id);
      for (const id of revision.bundledUpdateIds) if (offer(id, 'bundle')) queue.push(id);
    }
  }

  const entries: ScopeEntry[] = [];
  for (const [updateId, choice] of chosen) {
    const revision = state.updates.get(updateId)!.latest;
    const isLeaf = !state.prerequisiteReferences.has(updateId);
    entries.push(choice.approval === undefined ? { revision, kind: choice.kind, isLeaf } : { revision, kind: choice.kind, approval: choice.approval, isLeaf });
  }
  entries.sort(compareScopeOrder);
  return { byRevisionId: new Map(entries.map((e) => [e.revision.revisionId, e])), ordered: entries };
}

/** The paging order of `ScanScope.ordered`: non-leaf first, then by kind, then by revision id (a total order). */
export function compareScopeOrder(a: ScopeEntry, b: ScopeEntry): number {
  return Number(a.isLeaf) - Number(b.isLeaf) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.revision.revisionId - b.revision.revisionId;
}

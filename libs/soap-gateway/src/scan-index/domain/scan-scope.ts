import type { UnapprovedUpdatePolicy } from '#contracts';
import { categoriesOf, expandCategoryFilter } from './category-tree.js';
import { effectiveApproval } from './effective-groups.js';
import type { ApprovalEntry, RevisionEntry, ScanIndexState } from './scan-index.state.js';
import { ScopeEntriesByRevisionId } from './scope-entries-by-revision-id.js';

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
  readonly byRevisionId: ScopeEntriesByRevisionId<ScopeEntry>;
  /** Same entries in the order NewUpdates pages them: non-leaf first (what others wait for), then by kind and revision id. */
  readonly ordered: readonly ScopeEntry[];
  /**
   * `ordered`'s revision ids, position for position: a walk that only asks whether the client caches
   * an entry reads these instead of the entries, which at 100k revisions lie scattered over a large
   * heap (each read a cache miss).
   */
  readonly revisionIds: readonly number[];
}

/** A scope of these entries, already in paging order. */
export function scanScopeOf(ordered: readonly ScopeEntry[]): ScanScope {
  return { byRevisionId: ScopeEntriesByRevisionId.of(ordered), ordered, revisionIds: ordered.map((e) => e.revision.revisionId) };
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
  const choices = new ScopeChoices(state, options, () => undefined);
  const approvedIds = new Set<string>();
  for (const groupId of groupIds) for (const updateId of state.approvedUpdatesByGroup.get(groupId) ?? []) approvedIds.add(updateId);
  for (const updateId of approvedIds) {
    // Categories and detectoids are only ever evaluated; an approval of one (WSUS has none) is ignored.
    if (state.evaluateOnlyUpdates.has(updateId)) continue;
    const approval = effectiveApproval(state, updateId, groupIds);
    if (approval !== undefined) choices.root(updateId, 'approved', approval);
  }
  if (options.pass === 'software') {
    for (const updateId of state.evaluateOnlyUpdates) choices.root(updateId, 'evaluate');
    if (options.policy === 'detect') {
      // Bundle members come with their bundle; on their own they are not explicitly deployable.
      for (const updateId of state.softwareUpdates) if (!state.bundleParents.has(updateId)) choices.root(updateId, 'detect');
    }
  }
  choices.addDependencies();

  const entries: ScopeEntry[] = [];
  for (const [updateId, choice] of choices.chosen) entries.push(scopeEntry(state, updateId, choice));
  entries.sort(compareScopeOrder);
  return scanScopeOf(entries);
}

/** How a derived scope's entries moved: what `deriveScopePrerequisiteIndex` needs to move an index along. */
export interface ScopeMove {
  /** Position in the previous `ordered` → position in the new one, or −1 for an entry replaced or gone. */
  readonly newPositionOf: Int32Array;
  /** Positions in the new `ordered` of the entries that are new or replaced, ascending. */
  readonly inserted: readonly number[];
}

/**
 * The scope `computeScanScope` would give now, derived from `previous` (this key's scope before the
 * change) when the only catalog changes since are approval changes of these updates in these groups:
 * an approval, a re-approval, or a removal that leaves another of the groups' approvals in effect.
 * Undefined when that is not enough (an approval in effect was withdrawn: what it brought in may have
 * to leave); the caller then computes the scope afresh. Costs the changed updates' dependencies plus
 * one copy of the scope, instead of a walk over every approval of the groups.
 */
export function deriveScanScope(
  state: ScanIndexState,
  previous: ScanScope,
  groupIds: readonly string[],
  options: ScopeOptions,
  approvalChanged: Iterable<string>,
): { scope: ScanScope; move: ScopeMove | undefined } | undefined {
  const previousChoice = (updateId: string): Choice | undefined => {
    const revisionId = state.updates.get(updateId)?.latest.revisionId;
    const entry = revisionId === undefined ? undefined : previous.byRevisionId.get(revisionId);
    return entry === undefined ? undefined : entry.approval === undefined ? { kind: entry.kind } : { kind: entry.kind, approval: entry.approval };
  };
  const choices = new ScopeChoices(state, options, previousChoice);
  for (const updateId of approvalChanged) {
    if (state.evaluateOnlyUpdates.has(updateId)) continue;
    const approval = effectiveApproval(state, updateId, groupIds);
    const current = choices.current(updateId);
    if (approval === undefined) {
      if (current?.kind === 'approved') return undefined;
      continue;
    }
    // Already approved here: the approval in effect may be another one now (re-approval, Block).
    if (current?.kind === 'approved') {
      if (current.approval !== approval) choices.chosen.set(updateId, { kind: 'approved', approval });
      continue;
    }
    choices.root(updateId, 'approved', approval);
  }
  choices.addDependencies();
  if (choices.chosen.size === 0) return { scope: previous, move: undefined };

  // Merge the sorted additions into the previous order, leaving out the entries they replace. Where
  // each addition goes and where each replaced entry was are found by binary search, so the rest of
  // the scope is copied by position without reading an entry (each read a cache miss at 100k), into
  // arrays made at their final length.
  const previousOrdered = previous.ordered;
  const previousIds = previous.revisionIds;
  const additions: ScopeEntry[] = [];
  /** Positions in the previous order of the entries the additions replace, ascending once sorted. */
  const removed: number[] = [];
  for (const [updateId, choice] of choices.chosen) {
    const entry = scopeEntry(state, updateId, choice);
    additions.push(entry);
    const replaced = previous.byRevisionId.get(entry.revision.revisionId);
    if (replaced !== undefined) removed.push(positionOf(previousOrdered, replaced));
  }
  additions.sort(compareScopeOrder);
  removed.sort((a, b) => a - b);
  const length = previousOrdered.length - removed.length + additions.length;
  const ordered = new Array<ScopeEntry>(length);
  const revisionIds = new Array<number>(length);
  const newPositionOf = new Int32Array(previousOrdered.length).fill(-1);
  const inserted: number[] = [];
  let from = 0;
  let to = 0;
  let nextRemoved = 0;
  const copyUpTo = (end: number): void => {
    for (; from < end; from += 1) {
      if (removed[nextRemoved] === from) {
        nextRemoved += 1;
        continue;
      }
      newPositionOf[from] = to;
      ordered[to] = previousOrdered[from]!;
      revisionIds[to] = previousIds[from]!;
      to += 1;
    }
  };
  for (const addition of additions) {
    copyUpTo(insertionPoint(previousOrdered, addition));
    inserted.push(to);
    ordered[to] = addition;
    revisionIds[to] = addition.revision.revisionId;
    to += 1;
  }
  copyUpTo(previousOrdered.length);
  return { scope: { byRevisionId: previous.byRevisionId.with(additions), ordered, revisionIds }, move: { newPositionOf, inserted } };
}

/** How many entries of a scope's paging order come before `entry` (compareScopeOrder is a total order). */
function insertionPoint(ordered: readonly ScopeEntry[], entry: ScopeEntry): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareScopeOrder(ordered[mid]!, entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The position of an entry of the scope in its paging order. */
function positionOf(ordered: readonly ScopeEntry[], entry: ScopeEntry): number {
  const position = insertionPoint(ordered, entry);
  if (ordered[position] !== entry) throw new Error(`scope order: revision ${entry.revision.revisionId} is not where its order puts it`);
  return position;
}

interface Choice {
  readonly kind: ScopeKind;
  readonly approval?: ApprovalEntry;
}

/**
 * The choosing rules of a scope, shared by the full computation and the derivation: an update is
 * offered as roots and dependencies reach it, keeps the strongest kind it was offered as, and brings
 * its own dependencies the first time it is chosen. `chosen` holds what this pass decided; `earlier`
 * what an earlier scope already had (nothing, for a full computation).
 */
class ScopeChoices {
  readonly chosen = new Map<string, Choice>();
  private readonly queue: string[] = [];
  private readonly filter: ReadonlySet<string> | undefined;

  constructor(
    private readonly state: ScanIndexState,
    private readonly options: ScopeOptions,
    private readonly earlier: (updateId: string) => Choice | undefined,
  ) {
    this.filter = options.filterCategoryIds !== undefined && options.filterCategoryIds.size > 0 ? expandCategoryFilter(state, options.filterCategoryIds) : undefined;
  }

  current(updateId: string): Choice | undefined {
    return this.chosen.get(updateId) ?? this.earlier(updateId);
  }

  /** A root: only if it is related to a category scan's filter (dependencies are not filtered). */
  root(updateId: string, kind: ScopeKind, approval?: ApprovalEntry): void {
    if (this.inFilter(updateId) && this.offer(updateId, kind, approval)) this.queue.push(updateId);
  }

  /** Dependencies of everything newly chosen: prerequisites (any member of an OR-clause may be the one installed) and bundle members. */
  addDependencies(): void {
    if (this.options.pass !== 'software') return;
    for (let i = 0; i < this.queue.length; i += 1) {
      const revision = this.state.updates.get(this.queue[i]!)!.latest;
      for (const clause of revision.prerequisites) for (const id of clause) if (this.offer(id, 'evaluate')) this.queue.push(id);
      for (const id of revision.bundledUpdateIds) if (this.offer(id, 'bundle')) this.queue.push(id);
    }
  }

  /** Whether the update is newly in scope (its dependencies are then due). */
  private offer(updateId: string, kind: ScopeKind, approval?: ApprovalEntry): boolean {
    const { state } = this;
    if (state.declined.has(updateId) || !state.updates.has(updateId) || !this.wantedType(updateId)) return false;
    const current = this.current(updateId);
    if (current !== undefined && KIND_PRECEDENCE[current.kind] >= KIND_PRECEDENCE[kind]) return false;
    this.chosen.set(updateId, approval === undefined ? { kind } : { kind, approval });
    return current === undefined;
  }

  private wantedType(updateId: string): boolean {
    return this.options.pass === 'driver' ? this.state.driverUpdates.has(updateId) : !this.state.driverUpdates.has(updateId);
  }

  private inFilter(updateId: string): boolean {
    if (this.filter === undefined || this.filter.has(updateId)) return true;
    const latest = this.state.updates.get(updateId)?.latest;
    return latest !== undefined && categoriesOf(this.state, latest).some((c) => this.filter!.has(c));
  }
}

function scopeEntry(state: ScanIndexState, updateId: string, choice: Choice): ScopeEntry {
  const revision = state.updates.get(updateId)!.latest;
  const isLeaf = !state.prerequisiteReferences.has(updateId);
  return choice.approval === undefined ? { revision, kind: choice.kind, isLeaf } : { revision, kind: choice.kind, approval: choice.approval, isLeaf };
}

/** The paging order of `ScanScope.ordered`: non-leaf first, then by kind, then by revision id (a total order). */
export function compareScopeOrder(a: ScopeEntry, b: ScopeEntry): number {
  return Number(a.isLeaf) - Number(b.isLeaf) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.revision.revisionId - b.revision.revisionId;
}

import type { ScanScope, ScopeEntry, ScopeMove } from './scan-scope.js';
import type { ScanIndexState } from './scan-index.state.js';

/**
 * A scope's entries by prerequisite, for NewUpdates (MS-WUSP §3.1.5.7): an entry can only be offered
 * to a client that has installed a member of each of its prerequisite clauses, so it is filed under
 * the members of one clause (its key clause) and a client is only shown the entries filed under
 * what it reports in InstalledNonLeafUpdateIDs. A computer with two products then costs its two
 * products' share of the scope, not the whole approved catalog, on every call.
 *
 * Built once per scope and never changed: a scope derived from another after approvals gets an index
 * moved along from its predecessor's (`carryPrerequisiteIndex`), not an edited one.
 */
export interface ScopePrerequisiteIndex {
  /** Positions in `scope.ordered` of entries with no non-empty clause: every client may be offered them. */
  readonly unconditional: readonly number[];
  /** Update id → positions in `scope.ordered` of the entries whose key clause names it, ascending. */
  readonly byPrerequisite: ReadonlyMap<string, readonly number[]>;
}

const indexes = new WeakMap<ScanScope, ScopePrerequisiteIndex>();

/** The scope's prerequisite index, built on first use and kept as long as the scope is. */
export function scopePrerequisiteIndex(state: ScanIndexState, scope: ScanScope): ScopePrerequisiteIndex {
  let index = indexes.get(scope);
  if (index === undefined) {
    index = buildIndex(state, scope.ordered);
    indexes.set(scope, index);
  }
  return index;
}

/**
 * Gives a scope derived from `previous` (deriveScanScope) the predecessor's index moved along, when
 * the predecessor had one: kept entries keep their key clause (it depends on the catalog's references,
 * which approvals do not move), so only their positions shift and the inserted entries are filed.
 * Integer copies instead of a key-clause search per entry of the scope.
 */
export function carryPrerequisiteIndex(state: ScanIndexState, previous: ScanScope, next: ScanScope, move: ScopeMove): void {
  const before = indexes.get(previous);
  if (before === undefined) return;
  const moved = (positions: readonly number[]): number[] => {
    const result: number[] = [];
    // newPositionOf is increasing over kept entries, so the result stays ascending.
    for (const position of positions) {
      const to = move.newPositionOf[position]!;
      if (to >= 0) result.push(to);
    }
    return result;
  };
  const unconditional = moved(before.unconditional);
  const byPrerequisite = new Map<string, number[]>();
  for (const [updateId, positions] of before.byPrerequisite) {
    const kept = moved(positions);
    if (kept.length > 0) byPrerequisite.set(updateId, kept);
  }
  const touched = new Set<number[]>();
  for (const position of move.inserted) {
    const clause = keyClause(state, next.ordered[position]!);
    if (clause === undefined) {
      unconditional.push(position);
      touched.add(unconditional);
      continue;
    }
    for (const updateId of new Set(clause)) {
      let positions = byPrerequisite.get(updateId);
      if (positions === undefined) byPrerequisite.set(updateId, (positions = []));
      positions.push(position);
      touched.add(positions);
    }
  }
  for (const positions of touched) positions.sort((a, b) => a - b);
  indexes.set(next, { unconditional, byPrerequisite });
}

function buildIndex(state: ScanIndexState, ordered: readonly ScopeEntry[]): ScopePrerequisiteIndex {
  const unconditional: number[] = [];
  const byPrerequisite = new Map<string, number[]>();
  for (let position = 0; position < ordered.length; position += 1) {
    const clause = keyClause(state, ordered[position]!);
    if (clause === undefined) {
      unconditional.push(position);
      continue;
    }
    // A clause naming an id twice must not file the entry twice under it.
    for (const updateId of new Set(clause)) {
      const positions = byPrerequisite.get(updateId);
      if (positions === undefined) byPrerequisite.set(updateId, [position]);
      else positions.push(position);
    }
  }
  return { unconditional, byPrerequisite };
}

/**
 * Any non-empty clause is a correct key (each must be satisfied); the one whose members the fewest
 * revisions reference is the most selective (a product's detectoid rather than a classification
 * that half the catalog names). Empty clauses are ignored by the prerequisite check, so here too.
 */
function keyClause(state: ScanIndexState, entry: ScopeEntry): readonly string[] | undefined {
  let best: readonly string[] | undefined;
  let bestWeight = Infinity;
  for (const clause of entry.revision.prerequisites) {
    if (clause.length === 0) continue;
    let weight = 0;
    for (const updateId of clause) weight += state.prerequisiteReferences.get(updateId) ?? 0;
    if (weight < bestWeight) {
      best = clause;
      bestWeight = weight;
    }
  }
  return best;
}

/**
 * Positions in `scope.ordered` (ascending, no repeats) of every entry whose prerequisites a client
 * with these installed update ids may satisfy: a superset of what it can be offered, which the
 * caller still checks entry by entry. Undefined when that is a large share of the scope (a client
 * with every product installed): walking the ordered scope is then cheaper than sorting positions.
 */
export function candidatePositions(index: ScopePrerequisiteIndex, installed: ReadonlySet<string>, scopeSize: number): number[] | undefined {
  const limit = scopeSize / 4;
  let total = index.unconditional.length;
  const lists: (readonly number[])[] = [index.unconditional];
  for (const updateId of installed) {
    const positions = index.byPrerequisite.get(updateId);
    if (positions === undefined) continue;
    total += positions.length;
    if (total > limit) return undefined;
    lists.push(positions);
  }
  const merged = new Int32Array(total);
  let at = 0;
  for (const list of lists) for (const position of list) merged[at++] = position;
  merged.sort();
  const result: number[] = [];
  for (let i = 0; i < merged.length; i += 1) if (i === 0 || merged[i] !== merged[i - 1]) result.push(merged[i]!);
  return result;
}

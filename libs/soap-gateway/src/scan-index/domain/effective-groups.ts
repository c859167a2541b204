import { ALL_COMPUTERS_GROUP_ID, type ApprovalAction, UNASSIGNED_COMPUTERS_GROUP_ID } from '#contracts';
import type { ApprovalEntry, ScanIndexState } from './scan-index.state.js';

/**
 * The groups whose approvals apply to a computer: its assigned groups (server-side targeting: the
 * log's membership; client-side targeting: the groups resolved into its cookie), Unassigned
 * Computers when it has none that exist, every ancestor of those (a child group inherits its
 * parents' approvals), and All Computers, which applies to everyone. Sorted, so the list is also a
 * cache key.
 */
export function effectiveGroupIds(state: ScanIndexState, computerId: string, cookieGroupIds: readonly string[] | null): string[] {
  const fromCookie = state.targetingMode === 'client-side' && cookieGroupIds !== null && cookieGroupIds.length > 0 ? cookieGroupIds : undefined;
  const assigned = (fromCookie ?? state.memberships.get(computerId) ?? []).filter((id) => state.groups.has(id));
  if (assigned.length === 0) assigned.push(UNASSIGNED_COMPUTERS_GROUP_ID);
  const result = new Set<string>([ALL_COMPUTERS_GROUP_ID]);
  for (const groupId of assigned) {
    let current: string | null = groupId;
    // The hop bound stops a malformed (cyclic) tree from hanging a scan.
    for (let hops = 0; current !== null && hops < 64 && !result.has(current); hops += 1) {
      result.add(current);
      current = state.groups.get(current)?.parentGroupId ?? null;
    }
  }
  return [...result].sort();
}

/**
 * When several of a computer's groups approve one update: Block overrides everything (MS-WUSP §8),
 * then Install over OptionalInstall over Uninstall over PreDeploymentCheck (WSUS: install wins over
 * uninstall); for equal actions the earliest deadline wins, then the lowest deployment id so the
 * choice is stable.
 */
const ACTION_RANK: Readonly<Record<ApprovalAction, number>> = { Block: 5, Install: 4, OptionalInstall: 3, Uninstall: 2, PreDeploymentCheck: 1 };

export function effectiveApproval(state: ScanIndexState, updateId: string, groupIds: readonly string[]): ApprovalEntry | undefined {
  const byGroup = state.approvals.get(updateId);
  if (byGroup === undefined) return undefined;
  let best: ApprovalEntry | undefined;
  for (const groupId of groupIds) {
    const candidate = byGroup.get(groupId);
    if (candidate !== undefined && (best === undefined || wins(candidate, best))) best = candidate;
  }
  return best;
}

function wins(a: ApprovalEntry, b: ApprovalEntry): boolean {
  if (ACTION_RANK[a.action] !== ACTION_RANK[b.action]) return ACTION_RANK[a.action] > ACTION_RANK[b.action];
  if (a.deadline !== b.deadline) {
    if (a.deadline === null) return false;
    if (b.deadline === null) return true;
    return Date.parse(a.deadline) < Date.parse(b.deadline);
  }
  return a.deploymentId < b.deploymentId;
}

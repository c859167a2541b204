import type { ApprovalAction } from '#contracts';
import { ancestry, type ApprovalState, type DeploymentState, explicitGroups } from './deployment.state.js';

export interface EffectiveDeployment {
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly action: ApprovalAction;
  readonly deadline: string | null;
  readonly deploymentId: number;
  /** The group whose approval won. */
  readonly groupId: string;
  readonly lastChange: string;
  /** Set when the revision is offered because an approved bundle contains it. */
  readonly viaBundleUpdateId: string | null;
}

/**
 * Across the computer's groups, an approval for Install beats one for Uninstall, which beats the
 * optional and scan-only actions (WSUS: install takes priority when approvals conflict). Among
 * equals, the earliest deadline wins (no deadline counts as latest), then the newest deployment.
 */
const ACTION_PRIORITY: Readonly<Record<ApprovalAction, number>> = {
  Install: 0,
  Uninstall: 1,
  OptionalInstall: 2,
  PreDeploymentCheck: 3,
  Block: 4,
};

/**
 * The deployments that apply to one computer. Each explicit group (Unassigned Computers when none)
 * is followed up to All Computers, which applies to everyone: along one such chain the most specific
 * group that has an approval for the update decides it, so a child group inherits its parents'
 * approvals and overrides them with its own. A Block approval stops the inheritance on its chain
 * only. Across chains the priority above decides. Declined updates have no effective deployment.
 */
export function effectiveDeployments(state: DeploymentState, computerId: string): EffectiveDeployment[] {
  const chains = explicitGroups(state, computerId).map((g) => ancestry(state.groups, g));
  const result: EffectiveDeployment[] = [];
  for (const [updateId, byGroup] of state.approvals) {
    if (state.declined.has(updateId) || byGroup.size === 0) continue;
    const candidates: ApprovalState[] = [];
    for (const chain of chains) {
      const nearest = chain.map((g) => byGroup.get(g)).find((a) => a !== undefined);
      if (nearest && nearest.action !== 'Block') candidates.push(nearest);
    }
    const winner = candidates.sort(compareApprovals)[0];
    if (winner) result.push({ ...pick(winner), viaBundleUpdateId: null });
  }
  // An approved bundle carries its members with the same deployment, unless approved themselves.
  const direct = new Set(result.map((r) => r.updateId));
  for (const deployment of [...result]) {
    const bundled = state.catalog.get(deployment.updateId)?.revisions.get(deployment.revisionNumber)?.bundled ?? [];
    for (const member of bundled) {
      if (direct.has(member.updateId) || state.declined.has(member.updateId)) continue;
      direct.add(member.updateId);
      result.push({ ...deployment, updateId: member.updateId, revisionNumber: member.revisionNumber, viaBundleUpdateId: deployment.updateId });
    }
  }
  return result.sort((a, b) => a.updateId.localeCompare(b.updateId));
}

function compareApprovals(a: ApprovalState, b: ApprovalState): number {
  const byAction = ACTION_PRIORITY[a.action] - ACTION_PRIORITY[b.action];
  if (byAction !== 0) return byAction;
  const da = a.deadline === null ? Infinity : Date.parse(a.deadline);
  const db = b.deadline === null ? Infinity : Date.parse(b.deadline);
  if (da !== db) return da < db ? -1 : 1;
  return b.deploymentId - a.deploymentId;
}

function pick(a: ApprovalState): Omit<EffectiveDeployment, 'viaBundleUpdateId'> {
  return {
    updateId: a.updateId,
    revisionNumber: a.revisionNumber,
    action: a.action,
    deadline: a.deadline,
    deploymentId: a.deploymentId,
    groupId: a.groupId,
    lastChange: a.changedAt,
  };
}

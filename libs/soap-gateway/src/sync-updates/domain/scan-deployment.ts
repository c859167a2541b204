import type { Deployment, UpdateInfo } from '#wsus-codecs';
import { coreXmlOf } from '../../scan-index/domain/core-fragment.js';
import type { ScanIndexView } from '../../scan-index/domain/scan-index.view.js';
import type { ScopeEntry, ScopeKind } from '../../scan-index/domain/scan-scope.js';
import { clientVersionAtLeast } from './client-protocol-version.js';

/**
 * Deployments the server makes up (Evaluate for categories, detectoids and dependencies, Bundle for
 * bundle members, PreDeploymentCheck for unapproved updates) still need a Deployment.ID: WSUS has
 * real rows for them. Ours are derived from the revision id in ranges per action, above the ids the
 * deployment service hands out for approvals, and below 2^31 (xs:int).
 */
const SYNTHETIC_DEPLOYMENT_BASE: Readonly<Record<Exclude<ScopeKind, 'approved'>, number>> = {
  evaluate: 1_000_000_000,
  bundle: 1_300_000_000,
  detect: 1_600_000_000,
};
const SYNTHETIC_RANGE = 300_000_000;

export function syntheticDeploymentId(kind: Exclude<ScopeKind, 'approved'>, revisionId: number): number {
  return SYNTHETIC_DEPLOYMENT_BASE[kind] + (revisionId % SYNTHETIC_RANGE);
}

/**
 * The Deployment element of one UpdateInfo (wusp.md §8; observed shape in fixtures 06–08): every
 * UpdateInfo carries one. Block is sent as PreDeploymentCheck (MS-WUSP: "SHOULD"). AutoSelect,
 * AutoDownload and SupersedenceBehavior are "0" and only for clients of protocol 1.8 or later.
 */
export function deploymentFor(view: ScanIndexView, entry: ScopeEntry, clientProtocolVersion: string, hardwareIds?: readonly string[]): Deployment {
  const modern = clientVersionAtLeast(clientProtocolVersion, 1, 8);
  // Driver deployments name the hardware ids they were chosen for (client protocol 1.6+, MS-WUSP <54>).
  const drivers = hardwareIds !== undefined && hardwareIds.length > 0 && clientVersionAtLeast(clientProtocolVersion, 1, 6) ? { hardwareIds } : {};
  const tail = { ...drivers, ...(modern ? { autoSelect: '0', autoDownload: '0', supersedenceBehavior: '0' } : {}) };
  const { revision } = entry;
  if (entry.kind === 'approved' && entry.approval !== undefined) {
    const a = entry.approval;
    const action = a.action === 'Block' ? 'PreDeploymentCheck' : a.action;
    const deadline = a.deadline !== null && a.action !== 'Block' ? { deadline: a.deadline } : {};
    return { id: a.deploymentId, action, ...deadline, isAssigned: action !== 'OptionalInstall', lastChangeTime: a.changedOn, ...tail };
  }
  const kind = entry.kind === 'approved' ? 'evaluate' : entry.kind;
  const action = kind === 'bundle' ? 'Bundle' : kind === 'detect' ? 'PreDeploymentCheck' : 'Evaluate';
  return {
    id: syntheticDeploymentId(kind, revision.revisionId),
    action,
    isAssigned: true,
    lastChangeTime: view.changedOn(revision.updateId),
    ...tail,
  };
}

export function updateInfoFor(view: ScanIndexView, entry: ScopeEntry, clientProtocolVersion: string, hardwareIds?: readonly string[]): UpdateInfo {
  return {
    id: entry.revision.revisionId,
    deployment: deploymentFor(view, entry, clientProtocolVersion, hardwareIds),
    isLeaf: entry.isLeaf,
    xml: coreXmlOf(entry.revision),
  };
}

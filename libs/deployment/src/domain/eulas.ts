import { eulaStream, newEvent } from '#contracts';
import type { DeciderContext, StreamEvent } from './decision.js';
import type { DeploymentState } from './deployment.state.js';

/** A EULA an approval needs, and the update revision that carries it. */
export interface RequiredEula {
  readonly eulaId: string;
  readonly updateId: string;
  readonly revisionNumber: number;
}

/**
 * WSUS: "Only approved updates whose license agreement has been accepted are sent to clients (scan
 * approvals do not require license agreement acceptance)". Install and OptionalInstall put the
 * update on the computer; Uninstall, the scan-only PreDeploymentCheck and Block do not.
 */
export const ACTIONS_NEEDING_EULA: ReadonlySet<string> = new Set(['Install', 'OptionalInstall']);

/**
 * The EULAs installing this revision involves: its own, and those of the revisions it bundles
 * (approving a bundle installs its members, so their licenses are part of the deal), nested bundles
 * followed, each EULA once. A member missing from the catalog carries nothing yet.
 */
export function eulasOf(state: DeploymentState, updateId: string, revisionNumber: number): RequiredEula[] {
  const found = new Map<string, RequiredEula>();
  const seen = new Set<string>();
  const visit = (u: string, r: number): void => {
    const key = `${u}/${r}`;
    if (seen.has(key)) return;
    seen.add(key);
    const revision = state.catalog.get(u)?.revisions.get(r);
    if (!revision) return;
    if (revision.eulaId !== null && !found.has(revision.eulaId)) found.set(revision.eulaId, { eulaId: revision.eulaId, updateId: u, revisionNumber: r });
    for (const member of revision.bundled) visit(member.updateId, member.revisionNumber);
  };
  visit(updateId, revisionNumber);
  return [...found.values()];
}

export const missingEulas = (state: DeploymentState, updateId: string, revisionNumber: number): RequiredEula[] =>
  eulasOf(state, updateId, revisionNumber).filter((e) => !state.acceptedEulas.has(e.eulaId));

/** One EulaAccepted per EULA, on the EULA's own stream; the actor and time come with the context. */
export function eulaAcceptedEvents(eulas: readonly RequiredEula[], ctx: DeciderContext): StreamEvent[] {
  return eulas.map((e) => ({
    streamId: eulaStream(e.eulaId),
    event: newEvent(ctx, 'EulaAccepted', 1, { eulaId: e.eulaId, updateId: e.updateId, revisionNumber: e.revisionNumber }),
  }));
}

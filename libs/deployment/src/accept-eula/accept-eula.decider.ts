import { CodedError } from '#contracts';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import { type DeploymentState, latestRevision } from '../domain/deployment.state.js';
import type { DeciderContext, Decision } from '../domain/decision.js';
import { eulaAcceptedEvents, eulasOf, missingEulas } from '../domain/eulas.js';

type AcceptEula = Extract<DeploymentCommand, { type: 'AcceptEula' }>;

/**
 * IUpdate.AcceptLicenseAgreement: accepts the EULA of the update's revision (the latest unless one
 * is named) and those of the updates it bundles. Accepting what is accepted already is no change; an
 * update without any EULA is EULA.NOT_FOUND, as WSUS throws for an update with no license agreement.
 */
export function decideAcceptEula(command: AcceptEula, state: DeploymentState, ctx: DeciderContext): Decision {
  const update = state.catalog.get(command.updateId);
  if (!update || update.revisions.size === 0) throw new CodedError(E.UpdateNotFound, `update ${command.updateId} is not in the catalog`);
  const revisionNumber = command.revisionNumber ?? latestRevision(update);
  if (!update.revisions.has(revisionNumber)) {
    throw new CodedError(E.RevisionNotFound, `update ${command.updateId} has no revision ${revisionNumber}`, {
      revisions: [...update.revisions.keys()].sort((a, b) => a - b),
    });
  }
  if (eulasOf(state, command.updateId, revisionNumber).length === 0) {
    throw new CodedError(E.EulaNotFound, `update ${command.updateId} revision ${revisionNumber} has no license agreement to accept`);
  }
  return { events: eulaAcceptedEvents(missingEulas(state, command.updateId, revisionNumber), ctx), warnings: [] };
}

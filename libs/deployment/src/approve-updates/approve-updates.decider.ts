import { ALL_COMPUTERS_GROUP_ID, CodedError, newEvent, updateApprovalStream } from '#contracts';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E, SUPERSEDED_WARNING } from '../domain/deployment.errors.js';
import { type DeploymentState, latestRevision, supersedingUpdates } from '../domain/deployment.state.js';
import type { DeciderContext, Decision, DecisionWarning, StreamEvent } from '../domain/decision.js';
import { ACTIONS_NEEDING_EULA, eulaAcceptedEvents, missingEulas } from '../domain/eulas.js';

type ApproveUpdate = Extract<DeploymentCommand, { type: 'ApproveUpdate' }>;
type RemoveApproval = Extract<DeploymentCommand, { type: 'RemoveApproval' }>;

/** WSUS: "The deadline applies only if the action is install or uninstall." */
const ACTIONS_WITH_DEADLINE = new Set(['Install', 'Uninstall']);

/**
 * One approval per update and group (WSUS cannot approve two revisions for one group): approving
 * again replaces it with a new deployment id. A declined update must be un-declined first.
 * Approving a superseded update is allowed and answered with a warning, as the WSUS console does.
 * An install approval needs every EULA involved accepted (the update's and its bundled updates'):
 * refused with EULA.NOT_ACCEPTED (listing them) unless the command accepts them, in which case
 * EulaAccepted is recorded before the approval, as the console's license dialog does.
 */
export function decideApproveUpdate(command: ApproveUpdate, state: DeploymentState, ctx: DeciderContext): Decision {
  if (!state.groups.has(command.groupId)) throw new CodedError(E.GroupNotFound, `group ${command.groupId} does not exist`);
  const update = state.catalog.get(command.updateId);
  if (!update || update.revisions.size === 0) throw new CodedError(E.UpdateNotFound, `update ${command.updateId} is not in the catalog`);
  const revisionNumber = command.revisionNumber ?? latestRevision(update);
  if (!update.revisions.has(revisionNumber)) {
    throw new CodedError(E.RevisionNotFound, `update ${command.updateId} has no revision ${revisionNumber}`, {
      revisions: [...update.revisions.keys()].sort((a, b) => a - b),
    });
  }
  if (state.expired.has(command.updateId)) {
    throw new CodedError(E.UpdateExpired, `update ${command.updateId} expired in a cleanup run: it can no longer be approved`);
  }
  if (state.declined.has(command.updateId)) {
    throw new CodedError(E.UpdateDeclined, `update ${command.updateId} is declined; un-decline it before approving`);
  }
  // WSUS refuses a Block approval on All Computers: there is nothing above it to block.
  if (command.action === 'Block' && command.groupId === ALL_COMPUTERS_GROUP_ID) {
    throw new CodedError(E.ApprovalActionInvalid, 'a Block approval cannot be made for All Computers');
  }
  if (command.deadline !== null) {
    if (!ACTIONS_WITH_DEADLINE.has(command.action)) {
      throw new CodedError(E.DeadlineInvalid, `a deadline applies only to Install or Uninstall, not ${command.action}`);
    }
    if (Date.parse(command.deadline) <= ctx.now().getTime()) {
      throw new CodedError(E.DeadlineInvalid, `the deadline ${command.deadline} is not in the future`);
    }
  }
  const accepted: StreamEvent[] = [];
  if (ACTIONS_NEEDING_EULA.has(command.action)) {
    const missing = missingEulas(state, command.updateId, revisionNumber);
    if (missing.length > 0 && command.acceptEula !== true) {
      throw new CodedError(
        E.EulaNotAccepted,
        `update ${command.updateId} revision ${revisionNumber} needs its license terms accepted before it can be approved for ${command.action} ` +
          `(EULA ${missing.map((m) => m.eulaId).join(', ')}); read them (GET /api/v1/updates/${command.updateId}/eula) and accept them`,
        { eulas: missing },
      );
    }
    accepted.push(...eulaAcceptedEvents(missing, ctx));
  }
  const warnings: DecisionWarning[] = [];
  const supersededBy = supersedingUpdates(state, command.updateId);
  if (supersededBy.length > 0) {
    warnings.push({ code: SUPERSEDED_WARNING, message: `update ${command.updateId} is superseded by ${supersededBy.join(', ')}`, details: { supersededBy } });
  }
  const current = state.approvals.get(command.updateId)?.get(command.groupId);
  const deadline = command.deadline === null ? null : new Date(command.deadline).toISOString();
  if (current && current.revisionNumber === revisionNumber && current.action === command.action && current.deadline === deadline) {
    return { events: accepted, warnings };
  }
  return {
    events: [
      ...accepted,
      {
        streamId: updateApprovalStream(command.updateId),
        event: newEvent(ctx, 'UpdateApproved', 1, {
          deploymentId: command.deploymentId,
          updateId: command.updateId,
          revisionNumber,
          groupId: command.groupId,
          action: command.action,
          deadline,
        }),
      },
    ],
    warnings,
  };
}

export function decideRemoveApproval(command: RemoveApproval, state: DeploymentState, ctx: DeciderContext): Decision {
  if (!state.approvals.get(command.updateId)?.has(command.groupId)) {
    throw new CodedError(E.ApprovalNotFound, `update ${command.updateId} has no approval for group ${command.groupId}`);
  }
  return {
    events: [
      {
        streamId: updateApprovalStream(command.updateId),
        event: newEvent(ctx, 'UpdateApprovalRemoved', 1, { updateId: command.updateId, groupId: command.groupId }),
      },
    ],
    warnings: [],
  };
}


import { CodedError, newEvent, updateApprovalStream } from '#contracts';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import type { DeploymentState } from '../domain/deployment.state.js';
import { type DeciderContext, type Decision, noChange, type StreamEvent } from '../domain/decision.js';

type DeclineUpdate = Extract<DeploymentCommand, { type: 'DeclineUpdate' }>;
type UndeclineUpdate = Extract<DeploymentCommand, { type: 'UndeclineUpdate' }>;

/**
 * Declining removes every approval of the update, as WSUS does (its console shows a declined update
 * as "Declined" for every group), each as its own UpdateApprovalRemoved event before UpdateDeclined.
 * Un-declining brings none back: the update is then simply not approved. Both are idempotent.
 */
export function decideDeclineUpdate(command: DeclineUpdate, state: DeploymentState, ctx: DeciderContext): Decision {
  if (!state.catalog.has(command.updateId)) throw new CodedError(E.UpdateNotFound, `update ${command.updateId} is not in the catalog`);
  if (state.declined.has(command.updateId)) return noChange;
  const streamId = updateApprovalStream(command.updateId);
  const events: StreamEvent[] = [...(state.approvals.get(command.updateId)?.keys() ?? [])].sort().map((groupId) => ({
    streamId,
    event: newEvent(ctx, 'UpdateApprovalRemoved', 1, { updateId: command.updateId, groupId }),
  }));
  events.push({ streamId, event: newEvent(ctx, 'UpdateDeclined', 1, { updateId: command.updateId }) });
  return { events, warnings: [] };
}

export function decideUndeclineUpdate(command: UndeclineUpdate, state: DeploymentState, ctx: DeciderContext): Decision {
  // An expired update stays declined: cleanup retired it (and may have deleted its content).
  if (state.expired.has(command.updateId)) {
    throw new CodedError(E.UpdateExpired, `update ${command.updateId} expired in a cleanup run: it stays declined`);
  }
  if (!state.declined.has(command.updateId)) {
    if (!state.catalog.has(command.updateId)) throw new CodedError(E.UpdateNotFound, `update ${command.updateId} is not in the catalog`);
    return noChange;
  }
  return {
    events: [{ streamId: updateApprovalStream(command.updateId), event: newEvent(ctx, 'UpdateUndeclined', 1, { updateId: command.updateId }) }],
    warnings: [],
  };
}

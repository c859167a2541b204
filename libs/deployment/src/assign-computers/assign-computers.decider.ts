import {
  ALL_COMPUTERS_GROUP_ID,
  CodedError,
  computerMembershipStream,
  newEvent,
  UNASSIGNED_COMPUTERS_GROUP_ID,
} from '#contracts';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import { type DeploymentState, explicitGroups, groupNameKey } from '../domain/deployment.state.js';
import { type DeciderContext, type Decision, noChange } from '../domain/decision.js';

type AssignComputer = Extract<DeploymentCommand, { type: 'AssignComputer' }>;
type ResolveClientTargeting = Extract<DeploymentCommand, { type: 'ResolveClientTargeting' }>;

/**
 * Server-side targeting: the admin sets the computer's groups (the whole set, like moving it in the
 * console). Refused in client-side mode, where the client's policy decides (WSUS greys the console
 * action out then). An empty set means Unassigned Computers; All Computers is implicit for everyone
 * and cannot be chosen; Unassigned cannot be combined with real groups.
 */
export function decideAssignComputer(command: AssignComputer, state: DeploymentState, ctx: DeciderContext): Decision {
  if (state.targetingMode === 'client-side') {
    throw new CodedError(E.ClientSideTargeting, 'the server uses client-side targeting: computers choose their groups; switch to server-side to assign them');
  }
  const wanted = [...new Set(command.groupIds)];
  if (wanted.includes(ALL_COMPUTERS_GROUP_ID)) {
    throw new CodedError(E.MembershipInvalid, 'every computer is in All Computers; it cannot be assigned explicitly');
  }
  if (wanted.includes(UNASSIGNED_COMPUTERS_GROUP_ID) && wanted.length > 1) {
    throw new CodedError(E.MembershipInvalid, 'Unassigned Computers cannot be combined with other groups');
  }
  const missing = wanted.filter((g) => !state.groups.has(g));
  if (missing.length > 0) throw new CodedError(E.GroupNotFound, `group ${missing.join(', ')} does not exist`, { groupIds: missing });
  const groupIds = wanted.length > 0 ? wanted.sort() : [UNASSIGNED_COMPUTERS_GROUP_ID];
  return assignIfChanged(state, command.computerId, groupIds, 'admin', ctx);
}

/**
 * Client-side targeting, as WSUS does it: each requested name (case-insensitive) selects every group
 * of that name; names that match nothing are ignored, and a computer none of whose names match lands
 * in Unassigned Computers. In server-side mode the request changes nothing. An event is written only
 * when the membership actually changes, so a client's every cookie refresh does not grow the log.
 */
export function decideClientTargeting(command: ResolveClientTargeting, state: DeploymentState, ctx: DeciderContext): Decision {
  if (state.targetingMode !== 'client-side') return noChange;
  return assignIfChanged(state, command.computerId, resolveRequestedGroups(state, command.requestedGroupNames), 'client-side-targeting', ctx);
}

export function resolveRequestedGroups(state: DeploymentState, requestedNames: readonly string[]): string[] {
  const keys = new Set(requestedNames.map(groupNameKey).filter((k) => k.length > 0));
  const matched = [...state.groups.values()]
    .filter((g) => g.id !== ALL_COMPUTERS_GROUP_ID && keys.has(groupNameKey(g.name)))
    .map((g) => g.id);
  // Naming Unassigned Computers together with real groups means the real groups.
  const real = matched.filter((g) => g !== UNASSIGNED_COMPUTERS_GROUP_ID);
  return real.length > 0 ? real.sort() : [UNASSIGNED_COMPUTERS_GROUP_ID];
}

function assignIfChanged(
  state: DeploymentState,
  computerId: string,
  groupIds: readonly string[],
  by: 'admin' | 'client-side-targeting',
  ctx: DeciderContext,
): Decision {
  const current = [...explicitGroups(state, computerId)].sort();
  if (current.length === groupIds.length && current.every((g, i) => g === groupIds[i])) return noChange;
  return {
    events: [
      {
        streamId: computerMembershipStream(computerId),
        event: newEvent(ctx, 'ComputerAssignedToGroups', 1, { computerId, groupIds: [...groupIds], by }),
      },
    ],
    warnings: [],
  };
}

import {
  CodedError,
  computerMembershipStream,
  groupStream,
  newEvent,
  UNASSIGNED_COMPUTERS_GROUP_ID,
  updateApprovalStream,
} from '#contracts';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import { type DeploymentState, type GroupState, groupNameKey } from '../domain/deployment.state.js';
import { type DeciderContext, type Decision, noChange, type StreamEvent } from '../domain/decision.js';

type CreateGroup = Extract<DeploymentCommand, { type: 'CreateGroup' }>;
type RenameGroup = Extract<DeploymentCommand, { type: 'RenameGroup' }>;
type DeleteGroup = Extract<DeploymentCommand, { type: 'DeleteGroup' }>;

export function decideCreateGroup(command: CreateGroup, state: DeploymentState, ctx: DeciderContext): Decision {
  const parent = state.groups.get(command.parentId);
  if (!parent) throw new CodedError(E.ParentGroupNotFound, `parent group ${command.parentId} does not exist`);
  // WSUS keeps Unassigned Computers a leaf: it is where computers wait, not a branch of the plan.
  if (parent.id === UNASSIGNED_COMPUTERS_GROUP_ID) {
    throw new CodedError(E.GroupParentNotAllowed, 'groups cannot be created under Unassigned Computers');
  }
  if (state.groups.has(command.groupId)) throw new CodedError(E.GroupNameTaken, `group ${command.groupId} already exists`);
  assertNameFree(state, command.parentId, command.name, null);
  return {
    events: [
      {
        streamId: groupStream(command.groupId),
        event: newEvent(ctx, 'ComputerGroupCreated', 1, {
          groupId: command.groupId,
          name: command.name.trim(),
          parentGroupId: command.parentId,
          builtIn: false,
        }),
      },
    ],
    warnings: [],
  };
}

export function decideRenameGroup(command: RenameGroup, state: DeploymentState, ctx: DeciderContext): Decision {
  const group = existingGroup(state, command.groupId, command.expectedVersion);
  if (group.builtIn) throw new CodedError(E.GroupBuiltIn, `${group.name} is built in and cannot be renamed`);
  const name = command.name.trim();
  if (name === group.name) return noChange;
  assertNameFree(state, group.parentId, name, group.id);
  return {
    events: [{ streamId: groupStream(group.id), event: newEvent(ctx, 'ComputerGroupRenamed', 1, { groupId: group.id, name }) }],
    warnings: [],
  };
}

/**
 * A group with child groups is refused (delete or move the children first). A group with member
 * computers is refused unless the admin explicitly asks to move them: each member then keeps its
 * other groups, or lands in Unassigned Computers when this was its only one. Approvals made for the
 * group are removed as events first, so the log says what stopped applying and why.
 */
export function decideDeleteGroup(command: DeleteGroup, state: DeploymentState, ctx: DeciderContext): Decision {
  const group = existingGroup(state, command.groupId, command.expectedVersion);
  if (group.builtIn) throw new CodedError(E.GroupBuiltIn, `${group.name} is built in and cannot be deleted`);
  const children = [...state.groups.values()].filter((g) => g.parentId === group.id);
  if (children.length > 0) {
    throw new CodedError(E.GroupHasChildren, `group "${group.name}" has ${children.length} child group(s); delete or move them first`, {
      childGroupIds: children.map((c) => c.id).sort(),
    });
  }
  const members = [...state.memberships].filter(([, groups]) => groups.includes(group.id)).map(([c]) => c).sort();
  if (members.length > 0 && !command.moveMembersToUnassigned) {
    throw new CodedError(
      E.GroupNotEmpty,
      `group "${group.name}" has ${members.length} computer(s); ask to move them to Unassigned Computers (moveMembersToUnassigned) to delete it`,
      { memberCount: members.length },
    );
  }
  const events: StreamEvent[] = [];
  for (const computerId of members) {
    const remaining = state.memberships.get(computerId)!.filter((g) => g !== group.id);
    events.push({
      streamId: computerMembershipStream(computerId),
      event: newEvent(ctx, 'ComputerAssignedToGroups', 1, {
        computerId,
        groupIds: remaining.length > 0 ? remaining : [UNASSIGNED_COMPUTERS_GROUP_ID],
        by: 'admin',
      }),
    });
  }
  for (const [updateId, byGroup] of [...state.approvals].sort(([a], [b]) => a.localeCompare(b))) {
    if (!byGroup.has(group.id)) continue;
    events.push({
      streamId: updateApprovalStream(updateId),
      event: newEvent(ctx, 'UpdateApprovalRemoved', 1, { updateId, groupId: group.id }),
    });
  }
  events.push({ streamId: groupStream(group.id), event: newEvent(ctx, 'ComputerGroupDeleted', 1, { groupId: group.id }) });
  return { events, warnings: [] };
}

export function existingGroup(state: DeploymentState, groupId: string, expectedVersion?: number): GroupState {
  const group = state.groups.get(groupId);
  if (!group) throw new CodedError(E.GroupNotFound, `group ${groupId} does not exist`);
  if (expectedVersion !== undefined && expectedVersion !== group.version) {
    throw new CodedError(E.GroupVersionMismatch, `group ${groupId} is at version ${group.version}, not ${expectedVersion}: someone changed it`, {
      currentVersion: group.version,
    });
  }
  return group;
}

function assertNameFree(state: DeploymentState, parentId: string | null, name: string, self: string | null): void {
  const key = groupNameKey(name);
  const clash = [...state.groups.values()].find((g) => g.parentId === parentId && g.id !== self && groupNameKey(g.name) === key);
  if (clash) throw new CodedError(E.GroupNameTaken, `a group named "${clash.name}" already exists there`, { groupId: clash.id });
}

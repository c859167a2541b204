import { decideAcceptEula } from './accept-eula/accept-eula.decider.js';
import { decideChangeRule, decideCreateRule, decideDeleteRule } from './approval-rules/approval-rules.decider.js';
import { decideApproveUpdate, decideRemoveApproval } from './approve-updates/approve-updates.decider.js';
import { decideAssignComputer, decideClientTargeting } from './assign-computers/assign-computers.decider.js';
import { decideDeclineUpdate, decideUndeclineUpdate } from './decline-updates/decline-updates.decider.js';
import { decideConfigureServer } from './configure-server/configure-server.decider.js';
import type { DeploymentCommand } from './domain/deployment.commands.js';
import type { DeploymentState } from './domain/deployment.state.js';
import type { DeciderContext, Decision } from './domain/decision.js';
import { decideCreateGroup, decideDeleteGroup, decideRenameGroup } from './manage-groups/manage-groups.decider.js';
import { decideResetClientState } from './reset-client-state/reset-client-state.decider.js';
import { decideSetTargetingMode } from './targeting-mode/targeting-mode.decider.js';

/** decide(command, state) → events: one entry point over every use case's decider. Pure. */
export function decide(command: DeploymentCommand, state: DeploymentState, ctx: DeciderContext): Decision {
  switch (command.type) {
    case 'CreateGroup':
      return decideCreateGroup(command, state, ctx);
    case 'RenameGroup':
      return decideRenameGroup(command, state, ctx);
    case 'DeleteGroup':
      return decideDeleteGroup(command, state, ctx);
    case 'AssignComputer':
      return decideAssignComputer(command, state, ctx);
    case 'ResolveClientTargeting':
      return decideClientTargeting(command, state, ctx);
    case 'ApproveUpdate':
      return decideApproveUpdate(command, state, ctx);
    case 'AcceptEula':
      return decideAcceptEula(command, state, ctx);
    case 'RemoveApproval':
      return decideRemoveApproval(command, state, ctx);
    case 'DeclineUpdate':
      return decideDeclineUpdate(command, state, ctx);
    case 'UndeclineUpdate':
      return decideUndeclineUpdate(command, state, ctx);
    case 'SetTargetingMode':
      return decideSetTargetingMode(command, state, ctx);
    case 'ConfigureServer':
      return decideConfigureServer(command, state, ctx);
    case 'ResetClientState':
      return decideResetClientState(command, ctx);
    case 'CreateApprovalRule':
      return decideCreateRule(command, state, ctx);
    case 'ChangeApprovalRule':
      return decideChangeRule(command, state, ctx);
    case 'DeleteApprovalRule':
      return decideDeleteRule(command, state, ctx);
  }
}

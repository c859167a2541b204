import { newEvent, SERVER_CONFIGURATION_STREAM } from '#contracts';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import type { DeploymentState } from '../domain/deployment.state.js';
import { type DeciderContext, type Decision, noChange } from '../domain/decision.js';

type SetTargetingMode = Extract<DeploymentCommand, { type: 'SetTargetingMode' }>;

/**
 * Switching modes keeps every membership as it is: in client-side mode the next cookie request of
 * each client re-targets it; switching back leaves computers where their clients last put them.
 */
export function decideSetTargetingMode(command: SetTargetingMode, state: DeploymentState, ctx: DeciderContext): Decision {
  if (state.targetingMode === command.mode) return noChange;
  return {
    events: [{ streamId: SERVER_CONFIGURATION_STREAM, event: newEvent(ctx, 'TargetingModeChanged', 1, { mode: command.mode }) }],
    warnings: [],
  };
}

import { CLIENT_STATE_STREAM, CodedError, newEvent } from '#contracts';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import type { DeciderContext, Decision } from '../domain/decision.js';

type ResetClientState = Extract<DeploymentCommand, { type: 'ResetClientState' }>;

/** Long enough for "restored from the backup of 2026-11-24 02:00 after a disk failure", short enough for a log line. */
export const MAX_RESET_REASON_LENGTH = 500;

/**
 * After a restore from backup (or anything else that makes RevisionIDs and anchors handed to clients
 * meaningless), the administrator resets the client state: every cookie issued before it is answered
 * with ServerChanged, and clients re-handshake and re-map their caches with RefreshCache. Always an
 * event, even twice in a row: each reset is a fact the administrator asked for.
 */
export function decideResetClientState(command: ResetClientState, ctx: DeciderContext): Decision {
  const reason = command.reason.trim();
  if (reason.length === 0 || reason.length > MAX_RESET_REASON_LENGTH) {
    throw new CodedError(E.ConfigurationInvalid, `the reason must be 1 to ${MAX_RESET_REASON_LENGTH} characters`, { issues: [{ path: 'reason', message: `1 to ${MAX_RESET_REASON_LENGTH} characters` }] });
  }
  return { events: [{ streamId: CLIENT_STATE_STREAM, event: newEvent(ctx, 'ClientStateReset', 1, { reason }) }], warnings: [] };
}

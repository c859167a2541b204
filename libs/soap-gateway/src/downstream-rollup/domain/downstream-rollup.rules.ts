import { createHash } from 'node:crypto';
import type {
  GetOutOfSyncComputersRequest,
  RollupComputersRequest,
  RollupComputerStatusRequest,
  RollupConfiguration,
  RollupDownstreamServersRequest,
} from '#wsus-codecs';

/**
 * Batch limits announced by GetRollupConfiguration: the values Windows uses (MS-WSUSSS <46>–<49>),
 * so a Windows DSS splits its data exactly as it does for a WSUS upstream server.
 */
export const ROLLUP_BATCH_LIMITS = {
  rollupDownstreamServersMaxBatchSize: 5000,
  rollupComputersMaxBatchSize: 1500,
  getOutOfSyncComputersMaxBatchSize: 20_000,
  rollupComputerStatusMaxBatchSize: 500,
} as const;

/**
 * The outcome of one rollup call, decided without I/O. `refuse` names why the spec requires a SOAP
 * fault: `invalid` (an input the spec's validation table rejects: InvalidParameters naming it) or
 * `not-accepted` (processing that the spec ends with a fault: no detailed rollup configured, or a
 * parent server that is not in the DSS Table — InternalServerError, the code MS-WSUSSS gives for the
 * latter and the one after which a DSS stops).
 */
export type RollupOutcome<T> =
  | { readonly kind: 'answer'; readonly value: T }
  | { readonly kind: 'refuse'; readonly reason: 'invalid'; readonly parameter: string; readonly diagnostic: string }
  | { readonly kind: 'refuse'; readonly reason: 'not-accepted'; readonly diagnostic: string };

export interface RollupServerState {
  /** MS-WSUSSS ServerID: this installation's identity (the first event of its log). */
  readonly serverId: string;
  /** DoDetailedRollup: the configured rollup mode is `detailed`. */
  readonly detailedRollup: boolean;
}

/**
 * RollupResetGuid (§3.1.4.13): tells a DSS whether it reports to the same upstream data as before.
 * Derived from the server identity (a name-based UUID, RFC 9562 §5.5) so it is stable for this
 * installation, different for another one, and distinct from ServerId.
 */
export function rollupResetGuid(serverId: string): string {
  const hash = createHash('sha1').update(`watershed:rollup-reset:${serverId.toLowerCase()}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** GetRollupConfiguration (§3.1.4.13): no validation; every field from the server configuration. */
export function rollupConfiguration(server: RollupServerState): RollupConfiguration {
  return { doDetailedRollup: server.detailedRollup, rollupResetGuid: rollupResetGuid(server.serverId), serverId: server.serverId, ...ROLLUP_BATCH_LIMITS };
}

/*
 * This server keeps no DSS Table: it has no DSS authorization endpoint and no Server Sync endpoint,
 * so no downstream server has registered (GetAuthorizationCookie adds DSS Table entries) or synced
 * from it, and RollupDownstreamServers (the other way in) refuses every entry below. The client
 * computers table that RollupComputers fills stays empty for the same reason. The rules below are
 * the spec's processing applied to those empty tables.
 */

const invalid = (parameter: string, diagnostic: string): RollupOutcome<never> => ({ kind: 'refuse', reason: 'invalid', parameter, diagnostic });
const notAccepted = (diagnostic: string): RollupOutcome<never> => ({ kind: 'refuse', reason: 'not-accepted', diagnostic });
const NOT_DETAILED = 'DoDetailedRollup is false (rollup mode summary): the server does not accept detailed client data';

/**
 * RollupDownstreamServers (§3.1.4.14): the ClientSummaries of all entries together within the batch
 * size; then each entry's ParentServerId must be in the DSS Table, else a fault. An empty list is a
 * success with nothing to do.
 */
export function rollupDownstreamServers(request: RollupDownstreamServersRequest): RollupOutcome<Record<string, never>> {
  const summaries = request.downstreamServers.reduce((n, s) => n + (s.clientSummaries?.length ?? 0), 0);
  if (summaries > ROLLUP_BATCH_LIMITS.rollupDownstreamServersMaxBatchSize) {
    return invalid('downstreamServers', `${summaries} ClientSummaries, more than RollupDownstreamServersMaxBatchSize ${ROLLUP_BATCH_LIMITS.rollupDownstreamServersMaxBatchSize}`);
  }
  const first = request.downstreamServers[0];
  if (first !== undefined) return notAccepted(`ParentServerId ${first.parentServerId} of server ${first.serverId} is not in the DSS Table (no downstream server is registered here)`);
  return { kind: 'answer', value: {} };
}

/**
 * RollupComputers (§3.1.4.15): batch size; DoDetailedRollup false → fault; each ParentServerId must
 * be in the DSS Table, else InternalServerError. An empty list gets an empty ChangedComputer list.
 */
export function rollupComputers(request: RollupComputersRequest, server: RollupServerState): RollupOutcome<[]> {
  if (request.computers.length > ROLLUP_BATCH_LIMITS.rollupComputersMaxBatchSize) {
    return invalid('computers', `${request.computers.length} computers, more than RollupComputersMaxBatchSize ${ROLLUP_BATCH_LIMITS.rollupComputersMaxBatchSize}`);
  }
  if (!server.detailedRollup) return notAccepted(NOT_DETAILED);
  const first = request.computers[0];
  if (first !== undefined) return notAccepted(`ParentServerId ${first.parentServerId} of computer ${first.computerId ?? '?'} is not in the DSS Table`);
  return { kind: 'answer', value: [] };
}

/**
 * GetOutOfSyncComputers (§3.1.4.16): batch size; DoDetailedRollup false → fault; a parentServerId
 * not in the DSS Table → an empty list (the spec's answer, not a fault).
 */
export function getOutOfSyncComputers(request: GetOutOfSyncComputersRequest, server: RollupServerState): RollupOutcome<string[]> {
  if (request.lastRollupNumbers.length > ROLLUP_BATCH_LIMITS.getOutOfSyncComputersMaxBatchSize) {
    return invalid('lastRollupNumbers', `${request.lastRollupNumbers.length} entries, more than GetOutOfSyncComputersMaxBatchSize ${ROLLUP_BATCH_LIMITS.getOutOfSyncComputersMaxBatchSize}`);
  }
  if (!server.detailedRollup) return notAccepted(NOT_DETAILED);
  return { kind: 'answer', value: [] };
}

/**
 * RollupComputerStatus (§3.1.4.17): batch size; DoDetailedRollup false → fault; computers not in
 * the client computers table are ignored, and the call is answered TRUE ("received and processed").
 * Computers that report to this server directly are not in that table: their status comes from
 * their own reports, which a downstream server's rollup does not overwrite.
 */
export function rollupComputerStatus(request: RollupComputerStatusRequest, server: RollupServerState): RollupOutcome<boolean> {
  if (request.computers.length > ROLLUP_BATCH_LIMITS.rollupComputerStatusMaxBatchSize) {
    return invalid('computers', `${request.computers.length} computers, more than RollupComputerStatusMaxBatchSize ${ROLLUP_BATCH_LIMITS.rollupComputerStatusMaxBatchSize}`);
  }
  if (!server.detailedRollup) return notAccepted(NOT_DETAILED);
  return { kind: 'answer', value: true };
}

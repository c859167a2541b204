import type { ClientCookieState } from './cookie-payload.js';

/** The server's view a cookie is checked against. */
export interface CookieCheckContext {
  readonly now: Date;
  readonly serverId: string;
  /** Current configuration generation (GetConfig LastChange). */
  readonly configGeneration: Date;
  /** Time of the latest ClientStateReset this gateway has seen; null when there was none. */
  readonly clientStateEpoch: Date | null;
}

export interface CookieCheckOptions {
  /** GetCookie's oldCookie is typically expired and is still worth copying state from. */
  readonly allowExpired?: boolean;
  /** SyncUpdates / SyncPrinterCatalog MUST report a configuration change (§3.1.5.7 step 1). */
  readonly checkConfiguration?: boolean;
}

export type CookieCheckOutcome = 'ok' | 'ServerChanged' | 'CookieExpired' | 'ConfigChanged';

/**
 * Order: a cookie from another server needs the full handshake (ServerChanged), which also renews an
 * expired cookie; expiry (CookieExpired) needs a new cookie; a configuration change needs GetConfig
 * too. A cookie sealed by a gateway that had seen a newer configuration than this one (this instance
 * lags the log) is accepted: refusing it would bounce the client between instances.
 */
export function checkClientCookie(state: ClientCookieState, context: CookieCheckContext, options: CookieCheckOptions = {}): CookieCheckOutcome {
  if (state.serverId !== context.serverId) return 'ServerChanged';
  // Issued before the server's client state was reset (a restore): its anchor and the RevisionIDs the
  // client caches may mean other things now. A cookie newer than this gateway's view is accepted, as in C8.
  if (context.clientStateEpoch !== null && (state.stateEpoch === null || state.stateEpoch === undefined || Date.parse(state.stateEpoch) < context.clientStateEpoch.getTime())) return 'ServerChanged';
  if (!options.allowExpired && Date.parse(state.expiresAt) <= context.now.getTime()) return 'CookieExpired';
  if (options.checkConfiguration && Date.parse(state.configGeneration) < context.configGeneration.getTime()) return 'ConfigChanged';
  return 'ok';
}

/** `2026-10-04T16:03:35.9967236Z`: WSUS writes cookie expirations with 7 fraction digits (.NET round-trip). */
export function formatCookieExpiration(instant: Date): string {
  return instant.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

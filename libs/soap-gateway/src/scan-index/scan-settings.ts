/** Injection token for ScanSettings; the module may provide its own value (tests shorten the waits). */
export const SCAN_SETTINGS = Symbol('SCAN_SETTINGS');

/**
 * How the gateway process waits and caches. The page size and the unapproved-update policy are not
 * here: they are server configuration (`scan` in ServerConfigurationChanged, `watershed configuration
 * set --page-size/--unapproved`), read from the scan index so every gateway applies the same values
 * from the same log position.
 */
export interface ScanSettings {
  /** How long a scan waits for the index's first catch-up after a start before answering ServerBusy. */
  readonly readyWaitMs: number;
  /**
   * How long a call waits for the index to reach the anchor in the client's cookie (handed out by a
   * replica further along the log) before answering ServerBusy; default DEFAULT_ANCHOR_WAIT_MS.
   */
  readonly anchorWaitMs?: number;
  readonly fragmentCacheEntries?: number;
  readonly fragmentCacheChars?: number;
}

/** Long enough for a replay of a large catalog on start, short of WUA's request timeout. */
export const DEFAULT_READY_WAIT_MS = 20_000;

/**
 * Replicas follow the same log a few milliseconds apart (NOTIFY, then one read); 5 s covers a
 * replica that was paused or busy, and stays far below WUA's request timeout.
 */
export const DEFAULT_ANCHOR_WAIT_MS = 5_000;

export const DEFAULT_SCAN_SETTINGS: ScanSettings = {
  readyWaitMs: DEFAULT_READY_WAIT_MS,
};

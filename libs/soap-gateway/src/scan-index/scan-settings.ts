import type { UnapprovedPolicy } from './domain/scan-scope.js';
import { DEFAULT_SYNC_UPDATES_PAGE_SIZE } from '../sync-updates/domain/sync-updates.query.js';

/** Injection token for ScanSettings; the module may provide its own value (e.g. from configuration). */
export const SCAN_SETTINGS = Symbol('SCAN_SETTINGS');

export interface ScanSettings {
  /** NewUpdates per SyncUpdates page (WS2025: 30). */
  readonly pageSize: number;
  /**
   * `approved-only` (default): a client sees categories, detectoids, its groups' approvals and what
   * they depend on; withdrawing an approval puts the update out of scope. `detect`: unapproved
   * updates are also sent with PreDeploymentCheck, as WSUS does, so clients report "needed" for them.
   */
  readonly unapprovedPolicy: UnapprovedPolicy;
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
  pageSize: DEFAULT_SYNC_UPDATES_PAGE_SIZE,
  unapprovedPolicy: 'approved-only',
  readyWaitMs: DEFAULT_READY_WAIT_MS,
};

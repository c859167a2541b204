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
  readonly fragmentCacheEntries?: number;
  readonly fragmentCacheChars?: number;
}

/** Long enough for a replay of a large catalog on start, short of WUA's request timeout. */
export const DEFAULT_READY_WAIT_MS = 20_000;

export const DEFAULT_SCAN_SETTINGS: ScanSettings = {
  pageSize: DEFAULT_SYNC_UPDATES_PAGE_SIZE,
  unapprovedPolicy: 'approved-only',
  readyWaitMs: DEFAULT_READY_WAIT_MS,
};

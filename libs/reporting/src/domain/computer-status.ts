import { effectOfEvent } from './client-event-ids.js';
import { snapshotStatuses } from './misc-data.js';
import { effectiveEventTime } from './report-time.js';
import type { ReportedStatus, UpdateStatus } from './update-status.js';

/** The fields of a ClientEventReported the status derivation reads. */
export interface ClientEventFacts {
  readonly eventId: number;
  readonly namespaceId: number;
  readonly timeAtTarget: string;
  readonly updateId: string | null;
  readonly revisionNumber: number | null;
  readonly win32HResult: number;
  readonly miscData: readonly string[];
}

export interface StatusRow {
  readonly status: ReportedStatus;
  readonly revisionNumber: number | null;
  /** Effective event time (ms): later wins. */
  readonly at: number;
  readonly eventId: number;
  readonly win32HResult: number;
}

/**
 * What the reports know about one computer, built from its client events alone. The SQL projection
 * (status.projection.ts) keeps the same state in tables; this pure version is the specification the
 * projection is tested against.
 */
export interface ComputerReportState {
  /** Time of the latest status snapshot (156): every update not listed then was not applicable. */
  readonly lastStatusAt: number | null;
  readonly lastRebootAt: number | null;
  readonly lastScanAt: number | null;
  readonly lastScanResult: 'succeeded' | 'failed' | null;
  /** When the server last stored an event from this computer. */
  readonly lastReportedAt: number | null;
  /**
   * Set by a retention snapshot (ComputerStatusSnapshotted): client events counting at an earlier
   * time are covered by it and have no effect (an old event a client sends again after its stored
   * copy was pruned must not come back as news). Absent/null: nothing was pruned.
   */
  readonly reportsPrunedBefore?: number | null;
  readonly rows: ReadonlyMap<string, StatusRow>;
}

export const EMPTY_COMPUTER_STATE: ComputerReportState = {
  lastStatusAt: null,
  lastRebootAt: null,
  lastScanAt: null,
  lastScanResult: null,
  lastReportedAt: null,
  rows: new Map(),
};

const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

/** The update an event is about, or null (the spec's all-zero GUID means "none"). */
export function eventUpdateId(updateId: string | null): string | null {
  if (updateId === null) return null;
  const id = updateId.toLowerCase();
  return id === ZERO_GUID ? null : id;
}

/** A pending reboot reported before a completed reboot is simply installed. */
export function afterReboot(status: ReportedStatus, at: number, lastRebootAt: number | null): ReportedStatus {
  return status === 'installed-pending-reboot' && lastRebootAt !== null && at < lastRebootAt ? 'installed' : status;
}

/**
 * Whether a status stated at `at` replaces what is known. Later events win by effective time (ties:
 * the later in the log). Anything older than the latest snapshot is already covered by it: the
 * snapshot either listed the update (and that row is newer) or found it not applicable.
 */
export function statusApplies(existing: StatusRow | undefined, at: number, lastStatusAt: number | null): boolean {
  if (lastStatusAt !== null && at < lastStatusAt) return false;
  return existing === undefined || at >= existing.at;
}

/** evolve(state, event) → state, in log order. */
export function evolveComputer(
  state: ComputerReportState,
  event: { readonly data: ClientEventFacts; readonly recordedAt: Date | string },
): ComputerReportState {
  const { data } = event;
  const at = effectiveEventTime(data.timeAtTarget, event.recordedAt);
  const recorded = new Date(event.recordedAt).getTime();
  const base: ComputerReportState = { ...state, lastReportedAt: Math.max(state.lastReportedAt ?? recorded, recorded) };
  if (state.reportsPrunedBefore !== undefined && state.reportsPrunedBefore !== null && at < state.reportsPrunedBefore) return base;
  const effect = effectOfEvent(data.eventId, data.namespaceId);
  switch (effect.kind) {
    case 'none':
      return base;
    case 'scan':
      if (base.lastScanAt !== null && at < base.lastScanAt) return base;
      return { ...base, lastScanAt: at, lastScanResult: effect.result };
    case 'reboot-completed': {
      if (base.lastRebootAt !== null && at <= base.lastRebootAt) return base;
      const rows = new Map(base.rows);
      for (const [id, row] of rows) {
        if (row.status === 'installed-pending-reboot' && row.at < at) rows.set(id, { ...row, status: 'installed' });
      }
      return { ...base, lastRebootAt: at, rows };
    }
    case 'status': {
      const updateId = eventUpdateId(data.updateId);
      if (updateId === null) return base;
      const existing = base.rows.get(updateId);
      if (!statusApplies(existing, at, base.lastStatusAt)) return base;
      const rows = new Map(base.rows);
      rows.set(updateId, {
        status: afterReboot(effect.status, at, base.lastRebootAt),
        revisionNumber: data.revisionNumber,
        at,
        eventId: data.eventId,
        win32HResult: data.win32HResult,
      });
      return { ...base, rows };
    }
    case 'snapshot': {
      if (base.lastStatusAt !== null && at < base.lastStatusAt) return base;
      const listed = snapshotStatuses(data.miscData);
      const rows = new Map<string, StatusRow>();
      // Rows older than the snapshot and not listed in it are cleared: not applicable any more.
      for (const [id, row] of base.rows) if (row.at >= at || listed.has(id)) rows.set(id, row);
      for (const [id, status] of listed) {
        const existing = rows.get(id);
        if (existing !== undefined && existing.at > at) continue;
        // A snapshot names updates, not revisions: keep the revision an earlier event named.
        rows.set(id, {
          status: afterReboot(status, at, base.lastRebootAt),
          revisionNumber: existing?.revisionNumber ?? null,
          at,
          eventId: data.eventId,
          win32HResult: 0,
        });
      }
      return { ...base, lastStatusAt: at, rows };
    }
  }
}

/**
 * The status a report shows for one update on one computer. With no row: not applicable when the
 * computer sent a status snapshot after the update entered the catalog (it was scanned and not
 * listed), otherwise unknown ("no status"), as WSUS compares a computer's last detection with the
 * update's arrival.
 */
export function deriveStatus(row: { readonly status: ReportedStatus } | undefined, lastStatusAt: number | null, updateArrivedAt: number | null): UpdateStatus {
  if (row) return row.status;
  if (lastStatusAt !== null && updateArrivedAt !== null && lastStatusAt >= updateArrivedAt) return 'not-applicable';
  return 'unknown';
}

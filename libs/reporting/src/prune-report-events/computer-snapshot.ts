import { ClientEventReported, ComputerRegistered, ComputerRemoved, ComputerStatusSnapshotted } from '#contracts';
import type { z } from 'zod';
import { type ClientEventFacts, type ComputerReportState, EMPTY_COMPUTER_STATE, evolveComputer, type StatusRow } from '../domain/computer-status.js';

type SnapshotData = z.infer<typeof ComputerStatusSnapshotted.schema>;

/** The part of a recorded event of a computer stream the fold reads. */
export interface ComputerStreamEvent {
  readonly type: string;
  readonly data: unknown;
  readonly recordedAt: Date | string;
  readonly metadata: { readonly occurredAt: string };
}

/** A computer's stream folded: what the status projection holds for it after the same events. */
export interface FoldedComputer {
  /** False when the last thing that happened to it was ComputerRemoved (it is in no report). */
  readonly exists: boolean;
  readonly state: ComputerReportState;
  /** Latest contact (registration or report) by the writer's clock, ms; null if none. */
  readonly lastContactAt: number | null;
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (value: number | null): string | null => (value === null ? null : new Date(value).toISOString());
const later = (a: number | null, b: number): number => (a === null ? b : Math.max(a, b));

/**
 * Folds one computer stream in stream order, with the rules of the status projection (which the
 * projection contract tests hold equal to evolveComputer). Pure: retention builds its snapshot from
 * the log itself, so the snapshot is exact at the stream version read, whatever the projection's lag.
 */
export function foldComputerStream(events: readonly ComputerStreamEvent[]): FoldedComputer {
  let folded: FoldedComputer = { exists: false, state: EMPTY_COMPUTER_STATE, lastContactAt: null };
  for (const event of events) {
    switch (event.type) {
      case ComputerRegistered.type:
        folded = { ...folded, exists: true, lastContactAt: later(folded.lastContactAt, Date.parse(event.metadata.occurredAt)) };
        break;
      case ClientEventReported.type:
        folded = {
          exists: true,
          state: evolveComputer(folded.state, { data: event.data as ClientEventFacts, recordedAt: event.recordedAt }),
          lastContactAt: later(folded.lastContactAt, Date.parse(event.metadata.occurredAt)),
        };
        break;
      case ComputerRemoved.type:
        folded = { exists: false, state: EMPTY_COMPUTER_STATE, lastContactAt: null };
        break;
      case ComputerStatusSnapshotted.type:
        folded = stateFromSnapshot(event.data as SnapshotData);
        break;
    }
  }
  return folded;
}

export function stateFromSnapshot(d: SnapshotData): FoldedComputer {
  const rows = new Map<string, StatusRow>(
    d.updates.map((u) => [u.updateId, { status: u.status, revisionNumber: u.revisionNumber, at: Date.parse(u.statusAt), eventId: u.eventId, win32HResult: u.win32HResult }]),
  );
  return {
    exists: true,
    lastContactAt: ms(d.lastContactAt),
    state: {
      lastStatusAt: ms(d.lastStatusAt),
      lastRebootAt: ms(d.lastRebootAt),
      lastScanAt: ms(d.lastScanAt),
      lastScanResult: d.lastScanResult,
      lastReportedAt: ms(d.lastReportedAt),
      reportsPrunedBefore: ms(d.reportsPrunedBefore),
      rows,
    },
  };
}

/**
 * The snapshot retention writes before deleting a computer's events up to `throughStreamPosition`.
 * Its cutoff never moves back (a shorter-then-longer retention must still cover what was deleted).
 */
export function snapshotOf(computerId: string, folded: FoldedComputer, throughStreamPosition: bigint, prunedBefore: Date, runId: string): SnapshotData {
  const { state } = folded;
  const cutoff = Math.max(prunedBefore.getTime(), state.reportsPrunedBefore ?? Number.NEGATIVE_INFINITY);
  return {
    computerId,
    runId,
    throughStreamPosition: Number(throughStreamPosition),
    reportsPrunedBefore: new Date(cutoff).toISOString(),
    lastReportedAt: iso(state.lastReportedAt),
    lastContactAt: iso(folded.lastContactAt),
    lastScanAt: iso(state.lastScanAt),
    lastScanResult: state.lastScanResult,
    lastStatusAt: iso(state.lastStatusAt),
    lastRebootAt: iso(state.lastRebootAt),
    updates: [...state.rows]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([updateId, row]) => ({
        updateId,
        status: row.status,
        revisionNumber: row.revisionNumber,
        statusAt: new Date(row.at).toISOString(),
        eventId: row.eventId,
        win32HResult: row.win32HResult,
      })),
  };
}

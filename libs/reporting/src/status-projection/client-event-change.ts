import type { ClientEventReported } from '#contracts';
import type { z } from 'zod';
import { effectOfEvent } from '../domain/client-event-ids.js';
import { afterReboot, eventUpdateId } from '../domain/computer-status.js';
import { snapshotStatuses } from '../domain/misc-data.js';
import { effectiveEventTime } from '../domain/report-time.js';
import { UPDATE_STATUS_CODES } from '../domain/update-status.js';

type ClientEventData = z.infer<(typeof ClientEventReported)['schema']>;

/** What the projection knew about the computer when the event came (rpt_computers, as epoch ms). */
export interface ComputerTimes {
  readonly lastStatusAt: number | null;
  readonly lastRebootAt: number | null;
  readonly lastScanAt: number | null;
  readonly reportsPrunedBefore: number | null;
}

/** One client event's change to the read model (times as epoch ms, statuses as table codes). */
export type ClientEventChange =
  | { readonly kind: 'none' }
  | { readonly kind: 'scan'; readonly at: number; readonly result: 'succeeded' | 'failed' }
  | { readonly kind: 'reboot'; readonly at: number }
  | {
      readonly kind: 'status';
      readonly at: number;
      readonly updateId: string;
      readonly code: number;
      readonly revisionNumber: number | null;
      readonly eventId: number;
      readonly win32HResult: number;
    }
  | { readonly kind: 'snapshot'; readonly at: number; readonly eventId: number; readonly listed: readonly { readonly u: string; readonly s: number }[] };

/**
 * The rules of the pure evolveComputer (domain/computer-status.ts) that need the computer's times,
 * decided here once so that the SQL only writes: an event older than the computer's retention
 * snapshot, scan, reboot or status snapshot is no news; a pending reboot stated before a completed
 * reboot is installed. The status upserts keep the rest of the rule (a row only moves forward in time).
 */
export function clientEventChange(d: ClientEventData, recordedAt: Date, computer: ComputerTimes): ClientEventChange {
  const at = effectiveEventTime(d.timeAtTarget, recordedAt);
  if (computer.reportsPrunedBefore !== null && at < computer.reportsPrunedBefore) return { kind: 'none' };
  const effect = effectOfEvent(d.eventId, d.namespaceId);
  switch (effect.kind) {
    case 'none':
      return { kind: 'none' };
    case 'scan':
      return computer.lastScanAt !== null && at < computer.lastScanAt ? { kind: 'none' } : { kind: 'scan', at, result: effect.result };
    case 'reboot-completed':
      return computer.lastRebootAt !== null && at <= computer.lastRebootAt ? { kind: 'none' } : { kind: 'reboot', at };
    case 'status': {
      const updateId = eventUpdateId(d.updateId);
      if (updateId === null || (computer.lastStatusAt !== null && at < computer.lastStatusAt)) return { kind: 'none' };
      return {
        kind: 'status',
        at,
        updateId,
        code: UPDATE_STATUS_CODES[afterReboot(effect.status, at, computer.lastRebootAt)],
        revisionNumber: d.revisionNumber,
        eventId: d.eventId,
        win32HResult: d.win32HResult,
      };
    }
    case 'snapshot': {
      if (computer.lastStatusAt !== null && at < computer.lastStatusAt) return { kind: 'none' };
      const listed = [...snapshotStatuses(d.miscData)].map(([u, s]) => ({ u, s: UPDATE_STATUS_CODES[afterReboot(s, at, computer.lastRebootAt)] }));
      return { kind: 'snapshot', at, eventId: d.eventId, listed };
    }
  }
}

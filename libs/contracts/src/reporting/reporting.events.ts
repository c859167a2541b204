import { z } from 'zod';
import { defineEvent } from '../events/event-schema-registry.js';
import { GUID_PATTERN } from '../well-known/well-known-ids.js';

const guid = z.string().regex(GUID_PATTERN, 'lower-case GUID');

/** A client called RegisterComputer (or changed what it registered). */
export const ComputerRegistered = defineEvent(
  'ComputerRegistered',
  1,
  z.object({
    computerId: z.string().min(1).max(256),
    dnsName: z.string().max(255),
    osMajorVersion: z.number().int().nullable(),
    osMinorVersion: z.number().int().nullable(),
    osBuildNumber: z.number().int().nullable(),
    osServicePackMajorNumber: z.number().int().nullable(),
    osLocale: z.string().nullable(),
    computerManufacturer: z.string().nullable(),
    computerModel: z.string().nullable(),
    clientVersion: z.string().nullable(),
    clientIp: z.string().nullable(),
  }),
);

/** One event of a ReportEventBatch; the messageId is derived from EventInstanceID, so retries dedupe. */
export const ClientEventReported = defineEvent(
  'ClientEventReported',
  1,
  z.object({
    computerId: z.string().min(1).max(256),
    eventInstanceId: guid,
    eventId: z.number().int(),
    namespaceId: z.number().int(),
    timeAtTarget: z.string(),
    sourceId: z.number().int(),
    updateId: guid.nullable(),
    revisionNumber: z.number().int().nullable(),
    win32HResult: z.number().int(),
    appName: z.string(),
    replacementStrings: z.array(z.string()),
    miscData: z.array(z.string()),
  }),
);

/**
 * A computer removed by cleanup: it had not contacted the server (registered or reported) for the
 * retention's staleComputerDays (WSUS's Server Cleanup Wizard: "computers not contacting the server").
 * It leaves the reports and its groups; should it come back, it registers again as a new computer.
 */
export const ComputerRemoved = defineEvent(
  'ComputerRemoved',
  1,
  z.object({ computerId: z.string().min(1).max(256), reason: z.enum(['stale']), lastContactAt: z.string().datetime().nullable(), runId: z.string().uuid() }),
);

/** Report status codes as the snapshot carries them (the read model's MS-WSUSSS codes, by name). */
export const SNAPSHOT_UPDATE_STATUSES = ['needed', 'downloaded', 'installed', 'failed', 'installed-pending-reboot'] as const;
const isoTime = z.string().datetime();

/**
 * A computer's report state, written by report-event retention just before its old
 * ClientEventReported events are deleted: everything those events (and all others of the stream up to
 * `throughStreamPosition`) made the reports say. The status projection replaces the computer's state
 * with it, so a replay of the log after pruning gives the same reports. `reportsPrunedBefore` is the
 * retention cutoff: a client event counting at an earlier time that arrives later (a client resending
 * an event whose stored copy was pruned) has no effect, since this snapshot already covers it.
 */
export const ComputerStatusSnapshotted = defineEvent(
  'ComputerStatusSnapshotted',
  1,
  z.object({
    computerId: z.string().min(1).max(256),
    runId: z.string().uuid(),
    throughStreamPosition: z.number().int().positive(),
    reportsPrunedBefore: isoTime,
    lastReportedAt: isoTime.nullable(),
    lastContactAt: isoTime.nullable(),
    lastScanAt: isoTime.nullable(),
    lastScanResult: z.enum(['succeeded', 'failed']).nullable(),
    lastStatusAt: isoTime.nullable(),
    lastRebootAt: isoTime.nullable(),
    updates: z.array(
      z.object({
        updateId: guid,
        status: z.enum(SNAPSHOT_UPDATE_STATUSES),
        revisionNumber: z.number().int().nullable(),
        statusAt: isoTime,
        eventId: z.number().int(),
        win32HResult: z.number().int(),
      }),
    ),
  }),
);

/** What one cleanup run's report-event retention deleted (one per run that deleted anything). */
export const ReportEventsPruned = defineEvent(
  'ReportEventsPruned',
  1,
  z.object({
    runId: z.string().uuid(),
    /** Client events stamped before this were deleted (reportEventDays before the run). */
    occurredBefore: isoTime,
    computers: z.number().int().nonnegative(),
    deletedClientEvents: z.number().int().nonnegative(),
    /** Earlier snapshots superseded by this run's. */
    deletedSnapshots: z.number().int().nonnegative(),
  }),
);

export const REPORTING_EVENTS = [ComputerRegistered, ClientEventReported, ComputerRemoved, ComputerStatusSnapshotted, ReportEventsPruned] as const;
/** ReportEventsPruned: the history of report-event retention. */
export const REPORT_RETENTION_STREAM = 'report-retention';
export const computerStream = (computerId: string): string => `computer-${computerId}`;

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

export const REPORTING_EVENTS = [ComputerRegistered, ClientEventReported, ComputerRemoved] as const;
export const computerStream = (computerId: string): string => `computer-${computerId}`;

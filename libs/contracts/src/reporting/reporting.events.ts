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

export const REPORTING_EVENTS = [ComputerRegistered, ClientEventReported] as const;
export const computerStream = (computerId: string): string => `computer-${computerId}`;

import { ClientEventReported, ReportingSubjects } from '#contracts';
import { z } from 'zod';
import { reportingComputerId } from '../domain/computer-id.js';

/** Durable: the gateway enqueues one per ReportEventBatch, after decoding it. */
export const RECORD_EVENTS_SUBJECT = ReportingSubjects.recordEvents;
export const RECORD_EVENTS_CONSUMER = 'reporting.record-events';

/** Far above what a client batches (a handful to a few hundred events); bounds one message's work. */
export const MAX_EVENTS_PER_BATCH = 5000;

/**
 * One ClientEventReported payload; its computerId may be left out (it is the batch's). TimeAtTarget
 * is kept as sent even when it is not a readable xs:dateTime: the event is still a fact, and the
 * status derivation then counts it at the time it was stored (domain/report-time.ts).
 */
export const ReportedEventItem = ClientEventReported.schema.extend({ computerId: reportingComputerId.optional() });

export const RecordEventsCommand = z
  .object({
    computerId: reportingComputerId,
    events: z.array(ReportedEventItem).max(MAX_EVENTS_PER_BATCH),
  })
  .superRefine((command, ctx) => {
    command.events.forEach((e, i) => {
      if (e.computerId !== undefined && e.computerId !== command.computerId) {
        ctx.addIssue({ code: 'custom', path: ['events', i, 'computerId'], message: 'differs from the batch computerId' });
      }
    });
  });

export type RecordEvents = z.infer<typeof RecordEventsCommand>;

import {
  type CausationContext,
  ClientEventReported,
  CodedError,
  ComputerStatusSnapshotted,
  ErrorCodes,
  newEvent,
  type PruneReportEventsMessage,
  type PruneReportEventsReply,
  type RecordedEvent,
  REPORT_RETENTION_STREAM,
  ReportEventsPruned,
  ReportingSubjects,
} from '#contracts';
import { type EventStore, MAX_READ_LIMIT, StreamVersionConflictError } from '#event-store';
import { z } from 'zod';
import { foldComputerStream, snapshotOf } from './computer-snapshot.js';

export const PRUNE_REPORT_EVENTS_SUBJECT = ReportingSubjects.pruneReportEvents;

export const pruneReportEventsMessage = z.strictObject({
  runId: z.string().uuid(),
  occurredBefore: z.string().datetime(),
  dryRun: z.boolean(),
});

const COMPUTER_STREAM_PREFIX = 'computer-';
const computerIdOf = (streamId: string): string => streamId.slice(COMPUTER_STREAM_PREFIX.length);

/**
 * Report-event retention (asked by the deployment service's cleanup run): deletes the
 * ClientEventReported events stamped before `occurredBefore`, computer by computer, keeping what the
 * reports say. For each computer with old events, in one transaction:
 * 1. its stream is folded (foldComputerStream) up to the version read, and a ComputerStatusSnapshotted
 *    with that state is appended at exactly that version (a computer that reports meanwhile makes the
 *    append conflict: it is left for the next run, nothing is deleted);
 * 2. its old client events up to that version are deleted, and the snapshots the new one supersedes.
 * A computer that was removed (ComputerRemoved after all its events) needs no snapshot: a replay
 * wipes its earlier events' effects anyway. Registrations and removals are never deleted. The run's
 * totals are recorded as ReportEventsPruned on the report-retention stream. A dry run counts.
 */
export async function pruneReportEvents(store: EventStore, input: unknown, ctx: CausationContext): Promise<PruneReportEventsReply> {
  const parsed = pruneReportEventsMessage.safeParse(input);
  if (!parsed.success) throw new CodedError(ErrorCodes.ValidationFailed, `invalid prune-report-events request: ${parsed.error.issues[0]?.message ?? 'rejected'}`);
  const request: PruneReportEventsMessage = parsed.data;
  const occurredBefore = new Date(request.occurredBefore);
  const streams = await store.findStreamsWithEventsBefore({ eventTypes: [ClientEventReported.type], occurredBefore, streamPrefix: COMPUTER_STREAM_PREFIX });
  let computers = 0;
  let deletedClientEvents = 0;
  let deletedSnapshots = 0;
  for (const streamId of streams) {
    const { events, version } = await readWholeStream(store, streamId);
    if (version === 0n) continue;
    const oldEvents = { throughPosition: version, eventTypes: [ClientEventReported.type], occurredBefore };
    const superseded = { throughPosition: version, eventTypes: [ComputerStatusSnapshotted.type] };
    if (request.dryRun) {
      const n = await store.countStreamEvents(streamId, oldEvents);
      if (n > 0) computers += 1;
      deletedClientEvents += n;
      continue;
    }
    const folded = foldComputerStream(events);
    let outcome: { clientEvents: number; snapshots: number } | null;
    try {
      outcome = await store.db.transaction(async (tx) => {
        if (folded.exists) {
          const snapshot = snapshotOf(computerIdOf(streamId), folded, version, occurredBefore, request.runId);
          await store.appendInTransaction(tx, streamId, [newEvent(ctx, ComputerStatusSnapshotted.type, ComputerStatusSnapshotted.schemaVersion, snapshot)], version);
        }
        return {
          clientEvents: await store.deleteStreamEventsInTransaction(tx, streamId, oldEvents),
          snapshots: await store.deleteStreamEventsInTransaction(tx, streamId, superseded),
        };
      });
    } catch (error) {
      if (error instanceof StreamVersionConflictError) outcome = null; // it reported just now: the next run
      else throw error;
    }
    store.notifyAppended();
    if (outcome === null) continue;
    if (outcome.clientEvents > 0) computers += 1;
    deletedClientEvents += outcome.clientEvents;
    deletedSnapshots += outcome.snapshots;
  }
  if (!request.dryRun && deletedClientEvents > 0) {
    const pruned = newEvent(ctx, ReportEventsPruned.type, ReportEventsPruned.schemaVersion, {
      runId: request.runId,
      occurredBefore: occurredBefore.toISOString(),
      computers,
      deletedClientEvents,
      deletedSnapshots,
    });
    await store.append(REPORT_RETENTION_STREAM, [pruned], 'any');
  }
  return { computers, deletedClientEvents };
}

/** Every event of the stream up to its version at the first read, in stream order (gaps are fine). */
async function readWholeStream(store: EventStore, streamId: string): Promise<{ events: RecordedEvent[]; version: bigint }> {
  const events: RecordedEvent[] = [];
  let from = 1n;
  let version: bigint | null = null;
  for (;;) {
    const page = await store.readStream(streamId, { fromPosition: from, limit: MAX_READ_LIMIT });
    // The version of the first read bounds the snapshot; what later pages see past it (appended
    // since) is left out, and the snapshot's append at that version is refused anyway.
    version ??= page.version;
    const upTo = version;
    events.push(...page.events.filter((e) => e.streamPosition <= upTo));
    const last = page.events.at(-1);
    if (page.events.length < MAX_READ_LIMIT || last === undefined || last.streamPosition >= upTo) return { events, version: upTo };
    from = last.streamPosition + 1n;
  }
}

import { CodedError, ComputerRemoved, ComputerStatusSnapshotted, computerStream, ErrorCodes, newEvent, type RemoveStaleComputersMessage, type RemoveStaleComputersReply, ReportingSubjects } from '#contracts';
import { type EventStore, StreamVersionConflictError } from '#event-store';
import type { CausationContext } from '#contracts';
import { z } from 'zod';

export const REMOVE_STALE_COMPUTERS_SUBJECT = ReportingSubjects.removeStaleComputers;

export const removeStaleComputersMessage = z.strictObject({
  runId: z.string().uuid(),
  contactBefore: z.string().datetime(),
  dryRun: z.boolean(),
});

/** The contact events of a computer's stream: what a client did, not what cleanup did to it. */
const CONTACT_EVENTS = new Set(['ComputerRegistered', 'ClientEventReported']);

/**
 * When an event says the computer last made contact: a registration's or report's own time, or the
 * last contact a retention snapshot carries (the reports it stands for may have been deleted).
 */
function contactTimeOf(event: { type: string; data: unknown; metadata: { occurredAt: string } }): string | null | undefined {
  if (CONTACT_EVENTS.has(event.type)) return event.metadata.occurredAt;
  if (event.type === ComputerStatusSnapshotted.type) return (event.data as { lastContactAt: string | null }).lastContactAt ?? undefined;
  return undefined;
}

/**
 * Removes the computers that have not contacted the server since `contactBefore` (asked by the
 * deployment service's cleanup run). Candidates come from the status projection; each is checked
 * against its own stream (the projection may be a moment behind) and removed with an append at the
 * version read, so a computer that reports meanwhile is kept, not removed under its feet.
 */
export async function removeStaleComputers(store: EventStore, input: unknown, ctx: CausationContext): Promise<RemoveStaleComputersReply> {
  const parsed = removeStaleComputersMessage.safeParse(input);
  if (!parsed.success) throw new CodedError(ErrorCodes.ValidationFailed, `invalid remove-stale-computers request: ${parsed.error.issues[0]?.message ?? 'rejected'}`);
  const request: RemoveStaleComputersMessage = parsed.data;
  const cutoff = Date.parse(request.contactBefore);
  const candidates = await store.db.query<{ computer_id: string }>(
    `SELECT computer_id FROM rpt_computers
      WHERE coalesce(last_contact_at, greatest(registered_at, last_reported_at), '-infinity'::timestamptz) < $1::timestamptz ORDER BY computer_id`,
    [request.contactBefore],
  );
  const removed: string[] = [];
  for (const { computer_id: computerId } of candidates.rows) {
    const streamId = computerStream(computerId);
    const { version } = await store.readStream(streamId, { limit: 1 });
    if (version === 0n) continue;
    // The last contact, from the log: the newest registration or report of the stream.
    let lastContact: string | null = null;
    for (let from = version; from >= 1n && lastContact === null; from -= 100n) {
      const start = from > 100n ? from - 99n : 1n;
      const page = await store.readStream(streamId, { fromPosition: start, limit: Number(from - start + 1n) });
      lastContact = page.events.map(contactTimeOf).filter((t) => t !== undefined).at(-1) ?? null;
    }
    if (lastContact !== null && Date.parse(lastContact) >= cutoff) continue;
    if (!request.dryRun) {
      const event = newEvent(ctx, ComputerRemoved.type, ComputerRemoved.schemaVersion, { computerId, reason: 'stale' as const, lastContactAt: lastContact, runId: request.runId });
      try {
        await store.append(streamId, [event], version);
      } catch (error) {
        if (error instanceof StreamVersionConflictError) continue; // it contacted the server just now
        throw error;
      }
    }
    removed.push(computerId);
  }
  return { computerIds: removed };
}

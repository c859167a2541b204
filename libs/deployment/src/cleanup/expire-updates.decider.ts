import { newEvent, updateApprovalStream, type RetentionSettings } from '#contracts';
import type { DeciderContext, StreamEvent } from '../domain/decision.js';

const DAY_MS = 86_400_000;

/** An update's latest revision supersedes `updateId`, and has since `since` (when that revision reached this server). */
export interface Supersedence {
  readonly updateId: string;
  readonly supersededBy: string;
  readonly since: string;
}

/** What the expiry rules look at: the declines, the approvals and the supersedence of the catalog. */
export interface ExpiryCatalog {
  /** Declined updates → when they were declined. */
  readonly declinedAt: ReadonlyMap<string, string>;
  readonly expired: ReadonlySet<string>;
  /** Updates with approvals → the groups they are approved for. */
  readonly approvedGroups: ReadonlyMap<string, readonly string[]>;
  readonly supersedence: readonly Supersedence[];
}

export interface UpdateExpiry {
  readonly updateId: string;
  readonly reason: 'superseded' | 'declined';
  /** The live updates that retire it (reason superseded); empty for a declined one. */
  readonly supersededBy: readonly string[];
  /** Its approvals, removed with it. */
  readonly removedApprovalGroupIds: readonly string[];
  /** Not declined yet: expiring declines it, so no client is offered it again. */
  readonly declines: boolean;
}

/**
 * Which updates a cleanup run expires (WSUS's Server Cleanup Wizard: "expired updates" and
 * "superseded updates"). Pure: the catalog view, the time and the retention settings in, the
 * updates to retire out, sorted by id.
 *
 * - **Declined**: declined for `declinedUpdateDays` or more.
 * - **Superseded**: the latest revision of another update supersedes it, that update is live (neither
 *   declined nor expired: a declined replacement replaces nothing), and that revision has been on this
 *   server for `supersededUpdateDays` or more, so clients have had the time to scan and install the
 *   replacement. An update that is still approved expires only when one of those live replacements is
 *   approved too: cleanup never takes away the last approved fix (the WSUS wizard likewise declines
 *   only updates superseded by an approved update). Only the latest revision counts, as everywhere
 *   in Watershed: a revision that dropped the supersedence no longer retires anything.
 */
export function decideUpdateExpiry(catalog: ExpiryCatalog, now: Date, settings: RetentionSettings): UpdateExpiry[] {
  const live = (updateId: string): boolean => !catalog.declinedAt.has(updateId) && !catalog.expired.has(updateId);
  const approved = (updateId: string): boolean => (catalog.approvedGroups.get(updateId)?.length ?? 0) > 0;
  const olderThan = (at: string, days: number): boolean => now.getTime() - Date.parse(at) >= days * DAY_MS;

  const replacements = new Map<string, Set<string>>();
  for (const s of catalog.supersedence) {
    if (s.supersededBy === s.updateId || !live(s.supersededBy) || !olderThan(s.since, settings.supersededUpdateDays)) continue;
    replacements.set(s.updateId, (replacements.get(s.updateId) ?? new Set()).add(s.supersededBy));
  }

  const expiries = new Map<string, UpdateExpiry>();
  const expire = (updateId: string, reason: UpdateExpiry['reason'], supersededBy: readonly string[]): void => {
    expiries.set(updateId, {
      updateId,
      reason,
      supersededBy: [...supersededBy].sort(),
      removedApprovalGroupIds: [...(catalog.approvedGroups.get(updateId) ?? [])].sort(),
      declines: !catalog.declinedAt.has(updateId),
    });
  };
  for (const [updateId, declinedAt] of catalog.declinedAt) {
    if (!catalog.expired.has(updateId) && olderThan(declinedAt, settings.declinedUpdateDays)) expire(updateId, 'declined', []);
  }
  for (const [updateId, by] of replacements) {
    if (catalog.expired.has(updateId) || expiries.has(updateId)) continue;
    const retiring = approved(updateId) ? [...by].filter(approved) : [...by];
    if (retiring.length > 0) expire(updateId, 'superseded', retiring);
  }
  return [...expiries.values()].sort((a, b) => a.updateId.localeCompare(b.updateId));
}

/**
 * The events of expiring these updates, on each update's approval stream (where declines live, so
 * the scan index and reports follow them as any decline): its approvals removed, declined if it was
 * not, then UpdateExpired.
 */
export function updateExpiryEvents(expiries: readonly UpdateExpiry[], runId: string, ctx: DeciderContext): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const e of expiries) {
    const streamId = updateApprovalStream(e.updateId);
    for (const groupId of e.removedApprovalGroupIds) events.push({ streamId, event: newEvent(ctx, 'UpdateApprovalRemoved', 1, { updateId: e.updateId, groupId }) });
    if (e.declines) events.push({ streamId, event: newEvent(ctx, 'UpdateDeclined', 1, { updateId: e.updateId }) });
    events.push({ streamId, event: newEvent(ctx, 'UpdateExpired', 1, { updateId: e.updateId, reason: e.reason, runId, supersededBy: [...e.supersededBy] }) });
  }
  return events;
}

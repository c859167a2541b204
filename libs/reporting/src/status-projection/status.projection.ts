import {
  UNASSIGNED_COMPUTERS_GROUP_ID,
  ClientEventReported,
  ComputerAssignedToGroups,
  ComputerGroupCreated,
  ComputerGroupDeleted,
  ComputerGroupRenamed,
  ComputerRegistered,
  ComputerRemoved,
  ComputerStatusSnapshotted,
  type RecordedEvent,
  UpdateDeclined,
  UpdateRevisionImported,
  UpdateUndeclined,
} from '#contracts';
import type { Projection, SqlExecutor } from '#event-store';
import type { z } from 'zod';
import { UPDATE_STATUS_CODES } from '../domain/update-status.js';
import { applyComputerEvents, isComputerEvent, refreshCounts } from './computer-events.js';
import { REPORTING_MIGRATIONS } from './status.migrations.js';
import { applyImageChange, flushCounts, forgetBuckets, imageOf, moveImage, RECOUNT_SQL, recountUpdate } from './update-counts.js';

type Data<D extends { schema: z.ZodType }> = z.infer<D['schema']>;

export const STATUS_PROJECTION_NAME = 'reporting.status';


/**
 * The reporting read model: computers, what each client stated about each update, the catalog's
 * arrival times, declines and group membership. Applies the same rules as the pure
 * evolveComputer (domain/computer-status.ts), statement by statement, so that a replay from
 * position zero gives the same tables.
 */
export const statusProjection: Projection = {
  name: STATUS_PROJECTION_NAME,
  eventTypes: [
    ComputerRegistered.type,
    ClientEventReported.type,
    UpdateRevisionImported.type,
    UpdateDeclined.type,
    UpdateUndeclined.type,
    ComputerAssignedToGroups.type,
    ComputerGroupCreated.type,
    ComputerGroupRenamed.type,
    ComputerGroupDeleted.type,
    ComputerRemoved.type,
    ComputerStatusSnapshotted.type,
  ],
  migrations: REPORTING_MIGRATIONS,

  async apply(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
    if (event.schemaVersion !== 1) return; // no other versions exist yet; an upcaster goes here
    switch (event.type) {
      case ComputerRegistered.type:
      case ClientEventReported.type:
      case ComputerAssignedToGroups.type:
        return applyComputerEvents(tx, [event]);
      case ComputerRemoved.type: {
        // Gone from every report and group; a computer that comes back registers anew.
        const computerId = (event.data as Data<typeof ComputerRemoved>).computerId;
        // Its statuses leave the per-update counters of its groups first.
        await moveImage(tx, computerId, await imageOf(tx, computerId), -1);
        forgetBuckets(tx, computerId);
        await tx.query('DELETE FROM rpt_update_status WHERE computer_id = $1', [computerId]);
        await tx.query('DELETE FROM rpt_group_members WHERE computer_id = $1', [computerId]);
        await tx.query('DELETE FROM rpt_computers WHERE computer_id = $1', [computerId]);
        return;
      }
      case ComputerStatusSnapshotted.type:
        return applySnapshot(tx, event.data as Data<typeof ComputerStatusSnapshotted>);
      case UpdateRevisionImported.type:
        return applyImport(tx, event.data as Data<typeof UpdateRevisionImported>, event.recordedAt);
      case UpdateDeclined.type:
      case UpdateUndeclined.type:
        return applyDecline(tx, (event.data as { updateId: string }).updateId, event.type === UpdateDeclined.type);
      case ComputerGroupCreated.type: {
        const d = event.data as Data<typeof ComputerGroupCreated>;
        await tx.query(
          `INSERT INTO rpt_groups (group_id, name, parent_group_id) VALUES ($1, $2, $3)
           ON CONFLICT (group_id) DO UPDATE SET name = EXCLUDED.name, parent_group_id = EXCLUDED.parent_group_id`,
          [d.groupId, d.name, d.parentGroupId],
        );
        return;
      }
      case ComputerGroupRenamed.type: {
        const d = event.data as Data<typeof ComputerGroupRenamed>;
        await tx.query('UPDATE rpt_groups SET name = $2 WHERE group_id = $1', [d.groupId, d.name]);
        return;
      }
      case ComputerGroupDeleted.type:
        await leaveDeletedGroup(tx, (event.data as { groupId: string }).groupId);
        await tx.query('DELETE FROM rpt_group_members WHERE group_id = $1', [(event.data as { groupId: string }).groupId]);
        await tx.query('DELETE FROM rpt_groups WHERE group_id = $1', [(event.data as { groupId: string }).groupId]);
        return;
    }
  },

  /**
   * A batch as runs of computer events applied set-based (computer-events.ts), the other events one by one
   * in between (catalog and group events change many computers' rows or counters), then the counters once.
   */
  async applyBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    // Index plans and no JIT for this transaction's statements. Each is driven by the batch's
    // computers or one update: a few hundred index lookups per computer. But a catch-up grows the
    // tables by millions of rows between analyzes (none at all with autovacuum off), and on the stale
    // statistics the planner hash-joined a seq scan of rpt_update_status (755 ms for a DELETE that
    // touched 80 computers' rows) and JIT-compiled 30 ms statements for ~460 ms
    // (docs/benchmarks/report-queries.md). Seq scans stay possible where no index fits; hash joins
    // stay for the batch's own sets (a snapshot's listed updates).
    await tx.query('SET LOCAL jit = off');
    await tx.query('SET LOCAL enable_seqscan = off');
    let run: RecordedEvent[] = [];
    for (const event of events) {
      if (isComputerEvent(event)) {
        run.push(event);
        continue;
      }
      if (run.length > 0) await applyComputerEvents(tx, run);
      run = [];
      await statusProjection.apply(tx, event);
    }
    if (run.length > 0) await applyComputerEvents(tx, run);
    await flushCounts(tx);
  },

  /** The per-update counters the batch's events changed, written once (update-counts.ts). */
  async endBatch(tx: SqlExecutor): Promise<void> {
    await flushCounts(tx);
  },

  async reset(tx: SqlExecutor): Promise<void> {
    await tx.query('TRUNCATE rpt_computers, rpt_update_status, rpt_updates, rpt_group_members, rpt_groups, rpt_update_counts');
  },
};

/**
 * A retention snapshot replaces the computer's report state: it is the state after every event of
 * its stream up to its position, and those are exactly the stream's events applied so far (one
 * stream's events are in stream order in the log). Registration fields and groups are not report
 * state and stay.
 */
async function applySnapshot(tx: SqlExecutor, d: Data<typeof ComputerStatusSnapshotted>): Promise<void> {
  await tx.query('INSERT INTO rpt_computers (computer_id) VALUES ($1) ON CONFLICT (computer_id) DO NOTHING', [d.computerId]);
  const before = await imageOf(tx, d.computerId);
  await tx.query(
    `UPDATE rpt_computers SET last_reported_at = $2::timestamptz, last_contact_at = $3::timestamptz, last_scan_at = $4::timestamptz,
            last_scan_result = $5, last_status_at = $6::timestamptz, last_reboot_at = $7::timestamptz, reports_pruned_before = $8::timestamptz
      WHERE computer_id = $1`,
    [d.computerId, d.lastReportedAt, d.lastContactAt, d.lastScanAt, d.lastScanResult, d.lastStatusAt, d.lastRebootAt, d.reportsPrunedBefore],
  );
  await tx.query('DELETE FROM rpt_update_status WHERE computer_id = $1', [d.computerId]);
  if (d.updates.length > 0) {
    await tx.query(
      `INSERT INTO rpt_update_status (computer_id, update_id, status, revision_number, status_at, event_id, win32_hresult)
       SELECT $1, (x->>'updateId')::uuid, (x->>'code')::smallint, (x->>'revisionNumber')::int, (x->>'statusAt')::timestamptz,
              (x->>'eventId')::int, (x->>'win32HResult')::int
         FROM jsonb_array_elements($2::jsonb) AS x`,
      [d.computerId, JSON.stringify(d.updates.map((u) => ({ ...u, code: UPDATE_STATUS_CODES[u.status] })))],
    );
  }
  // The counters follow the rows (update-counts.ts, refreshCounts): normally no change at all, as the
  // snapshot restates the state the rows already had.
  await applyImageChange(tx, d.computerId, before, await imageOf(tx, d.computerId));
  await refreshCounts(tx, [d.computerId]);
}

async function applyImport(tx: SqlExecutor, d: Data<typeof UpdateRevisionImported>, recordedAt: Date): Promise<void> {
  const known = (await tx.query('SELECT 1 FROM rpt_updates WHERE update_id = $1', [d.updateId])).rows.length > 0;
  await tx.query(
    `INSERT INTO rpt_updates (update_id, title, update_type, revision_number, arrived_at)
     VALUES ($1, $2, $3, $4, $5::timestamptz)
     ON CONFLICT (update_id) DO UPDATE SET title = EXCLUDED.title, update_type = EXCLUDED.update_type,
       revision_number = EXCLUDED.revision_number
     WHERE EXCLUDED.revision_number >= rpt_updates.revision_number`,
    [d.updateId, d.title, d.updateType, d.revisionNumber, new Date(recordedAt).toISOString()],
  );
  // Open work only counts catalog updates: statuses a client stated before the update arrived start counting now.
  if (!known) {
    await shiftOpenCounts(tx, d.updateId, 1);
    await recountUpdate(tx, d.updateId);
  }
}

/** A decline takes the update's open statuses out of every computer's open work; an undecline puts them back. */
async function applyDecline(tx: SqlExecutor, updateId: string, declined: boolean): Promise<void> {
  const changed = await tx.query('UPDATE rpt_updates SET declined = $2 WHERE update_id = $1 AND declined <> $2 RETURNING update_id', [updateId, declined]);
  if (changed.rows.length > 0) await shiftOpenCounts(tx, updateId, declined ? -1 : 1);
}

/** Moves open_count of every computer with an open status on the update: one index range of that update's rows. */
async function shiftOpenCounts(tx: SqlExecutor, updateId: string, by: 1 | -1): Promise<void> {
  await tx.query(
    `UPDATE rpt_computers c SET open_count = c.open_count + $2
       FROM rpt_update_status s
      WHERE s.update_id = $1 AND s.status IN (2, 3, 5, 6) AND c.computer_id = s.computer_id`,
    [updateId, by],
  );
}

/**
 * Before a group's memberships go: its per-update counters go with it, and the members that were in
 * no other group now count in Unassigned Computers (one grouped statement, not one per member).
 */
async function leaveDeletedGroup(tx: SqlExecutor, groupId: string): Promise<void> {
  await flushCounts(tx);
  forgetBuckets(tx);
  await tx.query('DELETE FROM rpt_update_counts WHERE group_id = $1', [groupId]);
  await tx.query(
    `INSERT INTO rpt_update_counts AS t (update_id, group_id, installed, needed, downloaded, failed, pending_reboot, covered)
     SELECT update_id, $2::uuid, sum(installed), sum(needed), sum(downloaded), sum(failed), sum(pending_reboot), sum(covered)
       FROM (${RECOUNT_SQL(`WHERE s.computer_id IN (
               SELECT m.computer_id FROM rpt_group_members m WHERE m.group_id = $1
                  AND NOT EXISTS (SELECT 1 FROM rpt_group_members o WHERE o.computer_id = m.computer_id AND o.group_id <> $1))`)}) AS x
      WHERE x.group_id = $1
      GROUP BY update_id
     ON CONFLICT (update_id, group_id) DO UPDATE SET
       installed = t.installed + EXCLUDED.installed, needed = t.needed + EXCLUDED.needed,
       downloaded = t.downloaded + EXCLUDED.downloaded, failed = t.failed + EXCLUDED.failed,
       pending_reboot = t.pending_reboot + EXCLUDED.pending_reboot, covered = t.covered + EXCLUDED.covered`,
    [groupId, UNASSIGNED_COMPUTERS_GROUP_ID],
  );
}

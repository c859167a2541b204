import { ALL_COMPUTERS_GROUP_ID, normalizeGuid, UNASSIGNED_COMPUTERS_GROUP_ID, ReportingSubjects } from '#contracts';
import type { SqlExecutor } from '#event-store';
import { z } from 'zod';
import type { StatusCounts } from '../domain/update-status.js';
import { type CountRow, countColumnsSql, coveredSql, isoOrNull, toCounts } from '../status-projection/read-model.js';

export const UPDATE_STATUS_REPORT_SUBJECT = ReportingSubjects.updateStatus;

const guid = z
  .string()
  .transform(normalizeGuid)
  .pipe(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a GUID'));

export const UpdateStatusReportQuery = z.object({
  updateId: guid,
  /** Only computers of this group (All Computers = every computer; Unassigned = those in no group). */
  groupId: guid.optional(),
  /** Also break the counts down per group. */
  byGroup: z.boolean().optional(),
});
export type UpdateStatusReportInput = z.infer<typeof UpdateStatusReportQuery>;

export interface UpdateStatusReport {
  readonly updateId: string;
  readonly inCatalog: boolean;
  readonly title: string | null;
  readonly revisionNumber: number | null;
  readonly arrivedAt: string | null;
  readonly declined: boolean;
  readonly groupId: string | null;
  /** Every known computer (of the group) once. */
  readonly counts: StatusCounts;
  /** With byGroup: All Computers first, then each group with members (Unassigned Computers for those in none). */
  readonly groups?: readonly { readonly groupId: string; readonly counts: StatusCounts }[];
}

/**
 * Counts per status for one update: one pass over the computers joined to that update's status
 * rows (an index range) — no per-computer queries.
 */
export async function readUpdateStatusReport(db: SqlExecutor, query: UpdateStatusReportInput): Promise<UpdateStatusReport> {
  const update = (
    await db.query<{ title: string; revision_number: number; arrived_at: Date | string; declined: boolean }>(
      'SELECT title, revision_number, arrived_at, declined FROM rpt_updates WHERE update_id = $1',
      [query.updateId],
    )
  ).rows[0];
  const arrivedAt = update ? isoOrNull(update.arrived_at) : null;
  const counts = coveredSql('c.last_status_at', '$2::timestamptz');
  const params: unknown[] = [query.updateId, arrivedAt];
  let groupFilter = '';
  if (query.groupId === UNASSIGNED_COMPUTERS_GROUP_ID) {
    params.push(UNASSIGNED_COMPUTERS_GROUP_ID);
    groupFilter = `WHERE NOT EXISTS (SELECT 1 FROM rpt_group_members m WHERE m.computer_id = c.computer_id AND m.group_id <> $3)`;
  } else if (query.groupId !== undefined && query.groupId !== ALL_COMPUTERS_GROUP_ID) {
    params.push(query.groupId);
    groupFilter = `WHERE EXISTS (SELECT 1 FROM rpt_group_members m WHERE m.computer_id = c.computer_id AND m.group_id = $3)`;
  }
  const total = (
    await db.query<CountRow>(
      `SELECT ${countColumnsSql('s.status', counts)}
         FROM rpt_computers c
         LEFT JOIN rpt_update_status s ON s.computer_id = c.computer_id AND s.update_id = $1
         ${groupFilter}`,
      params,
    )
  ).rows[0]!;

  let groups: UpdateStatusReport['groups'];
  if (query.byGroup) {
    const perGroup = await db.query<CountRow & { group_id: string }>(
      `SELECT coalesce(m.group_id, $3::uuid)::text AS group_id, ${countColumnsSql('s.status', counts)}
         FROM rpt_computers c
         LEFT JOIN rpt_group_members m ON m.computer_id = c.computer_id
         LEFT JOIN rpt_update_status s ON s.computer_id = c.computer_id AND s.update_id = $1
        GROUP BY 1 ORDER BY 1`,
      [query.updateId, arrivedAt, UNASSIGNED_COMPUTERS_GROUP_ID],
    );
    const all = query.groupId === undefined || query.groupId === ALL_COMPUTERS_GROUP_ID
      ? toCounts(total)
      : toCounts(
          (
            await db.query<CountRow>(
              `SELECT ${countColumnsSql('s.status', counts)} FROM rpt_computers c
                 LEFT JOIN rpt_update_status s ON s.computer_id = c.computer_id AND s.update_id = $1`,
              [query.updateId, arrivedAt],
            )
          ).rows[0]!,
        );
    groups = [{ groupId: ALL_COMPUTERS_GROUP_ID, counts: all }, ...perGroup.rows.map((r) => ({ groupId: r.group_id, counts: toCounts(r) }))];
  }

  return {
    updateId: query.updateId,
    inCatalog: update !== undefined,
    title: update?.title ?? null,
    revisionNumber: update?.revision_number ?? null,
    arrivedAt,
    declined: update?.declined ?? false,
    groupId: query.groupId ?? null,
    counts: toCounts(total),
    ...(groups ? { groups } : {}),
  };
}

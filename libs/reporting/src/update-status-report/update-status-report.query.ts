import { ALL_COMPUTERS_GROUP_ID, normalizeGuid, UNASSIGNED_COMPUTERS_GROUP_ID, ReportingSubjects } from '#contracts';
import type { SqlExecutor } from '#event-store';
import { z } from 'zod';
import type { StatusCounts } from '../domain/update-status.js';
import { coveredSql, isoOrNull } from '../status-projection/read-model.js';

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

interface CounterRow {
  group_id: string;
  installed: number;
  needed: number;
  downloaded: number;
  failed: number;
  pending_reboot: number;
  covered: number;
}

interface MembersRow {
  group_id: string;
  computers: number;
  /** Of them, those whose last status snapshot is not older than the update's arrival. */
  snapshot_since_arrival: number;
}

/**
 * A bucket's counts: stated statuses from the counters the projection keeps per (update, group)
 * (update-counts.ts); the computers with no row split into not applicable (their last snapshot came
 * after the update arrived) and no status, as deriveStatus does per computer.
 */
function bucketCounts(counter: CounterRow | undefined, members: MembersRow | undefined): StatusCounts {
  const c = counter ?? { installed: 0, needed: 0, downloaded: 0, failed: 0, pending_reboot: 0, covered: 0 };
  const computers = Number(members?.computers ?? 0);
  const stated = Number(c.installed) + Number(c.needed) + Number(c.failed) + Number(c.pending_reboot);
  const notApplicable = Number(members?.snapshot_since_arrival ?? 0) - Number(c.covered);
  return {
    installed: Number(c.installed),
    needed: Number(c.needed),
    downloaded: Number(c.downloaded),
    failed: Number(c.failed),
    installedPendingReboot: Number(c.pending_reboot),
    notApplicable,
    noStatus: computers - stated - notApplicable,
  };
}

/**
 * Counts per status for one update: its counter rows (one per group) and one pass over the
 * computers' rows for group sizes — never the update's status rows, which can be one per computer.
 */
export async function readUpdateStatusReport(db: SqlExecutor, query: UpdateStatusReportInput): Promise<UpdateStatusReport> {
  const update = (
    await db.query<{ title: string; revision_number: number; arrived_at: Date | string; declined: boolean }>(
      'SELECT title, revision_number, arrived_at, declined FROM rpt_updates WHERE update_id = $1',
      [query.updateId],
    )
  ).rows[0];
  const arrivedAt = update ? isoOrNull(update.arrived_at) : null;
  const groupId = query.groupId ?? ALL_COMPUTERS_GROUP_ID;
  const counters = new Map(
    (
      await db.query<CounterRow>(
        `SELECT group_id::text AS group_id, installed, needed, downloaded, failed, pending_reboot, covered
           FROM rpt_update_counts WHERE update_id = $1 ${query.byGroup ? '' : 'AND group_id = $2'}`,
        query.byGroup ? [query.updateId] : [query.updateId, groupId],
      )
    ).rows.map((r) => [r.group_id, r]),
  );
  const members = new Map((await groupSizes(db, arrivedAt, query.byGroup ? null : groupId)).map((r) => [r.group_id, r]));
  const total = bucketCounts(counters.get(groupId), members.get(groupId));

  let groups: UpdateStatusReport['groups'];
  if (query.byGroup) {
    const all = bucketCounts(counters.get(ALL_COMPUTERS_GROUP_ID), members.get(ALL_COMPUTERS_GROUP_ID));
    groups = [
      { groupId: ALL_COMPUTERS_GROUP_ID, counts: all },
      ...[...members.keys()]
        .filter((g) => g !== ALL_COMPUTERS_GROUP_ID)
        .sort()
        .map((g) => ({ groupId: g, counts: bucketCounts(counters.get(g), members.get(g)) })),
    ];
  }

  return {
    updateId: query.updateId,
    inCatalog: update !== undefined,
    title: update?.title ?? null,
    revisionNumber: update?.revision_number ?? null,
    arrivedAt,
    declined: update?.declined ?? false,
    groupId: query.groupId ?? null,
    counts: total,
    ...(groups ? { groups } : {}),
  };
}

/**
 * Computers per bucket (one bucket, or all of them with a computer: All Computers, each group with
 * members, Unassigned Computers), and how many of them sent a status snapshot since `arrivedAt`.
 */
async function groupSizes(db: SqlExecutor, arrivedAt: string | null, only: string | null): Promise<MembersRow[]> {
  const since = coveredSql('c.last_status_at', '$1::timestamptz');
  const columns = `count(*)::int AS computers, (count(*) FILTER (WHERE ${since}))::int AS snapshot_since_arrival`;
  if (only === ALL_COMPUTERS_GROUP_ID) {
    return (await db.query<MembersRow>(`SELECT $2::uuid::text AS group_id, ${columns} FROM rpt_computers c`, [arrivedAt, only])).rows;
  }
  if (only === UNASSIGNED_COMPUTERS_GROUP_ID) {
    return (
      await db.query<MembersRow>(
        `SELECT $2::uuid::text AS group_id, ${columns} FROM rpt_computers c
          WHERE NOT EXISTS (SELECT 1 FROM rpt_group_members m WHERE m.computer_id = c.computer_id AND m.group_id <> $2::uuid)`,
        [arrivedAt, only],
      )
    ).rows;
  }
  if (only !== null) {
    return (
      await db.query<MembersRow>(
        `SELECT $2::uuid::text AS group_id, ${columns} FROM rpt_group_members m JOIN rpt_computers c ON c.computer_id = m.computer_id
          WHERE m.group_id = $2::uuid`,
        [arrivedAt, only],
      )
    ).rows;
  }
  return (
    await db.query<MembersRow>(
      `SELECT $2::uuid::text AS group_id, ${columns} FROM rpt_computers c
       UNION ALL
       SELECT coalesce(m.group_id, $3::uuid)::text, ${columns}
         FROM rpt_computers c LEFT JOIN rpt_group_members m ON m.computer_id = c.computer_id
        GROUP BY 1`,
      [arrivedAt, ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID],
    )
  ).rows;
}

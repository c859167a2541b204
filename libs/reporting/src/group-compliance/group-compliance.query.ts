import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from '#contracts';
import type { SqlExecutor } from '#event-store';

export interface GroupCompliance {
  readonly groupId: string;
  readonly name: string;
  readonly parentGroupId: string | null;
  /** Computers directly in the group (All Computers: every computer; Unassigned: those in no group). */
  readonly computers: number;
  /** Computers with nothing needed, downloaded-not-installed, failed or awaiting a reboot. */
  readonly compliant: number;
  readonly withFailures: number;
  readonly needingReboot: number;
  /** compliant ÷ computers × 100, one decimal; null for an empty group. */
  readonly compliancePercent: number | null;
}

/** Per bucket, from the counters the projection keeps on each computer row (migration reporting/0005-computer-counts). */
const FLAG_COUNTS = `count(*)::int AS computers,
  (count(*) FILTER (WHERE c.open_count = 0))::int AS compliant,
  (count(*) FILTER (WHERE c.failed_count > 0))::int AS with_failures,
  (count(*) FILTER (WHERE c.pending_reboot_count > 0))::int AS needing_reboot`;

/**
 * Compliance per computer group, as the WSUS console's group view shows it: the share of computers
 * that have every update they reported on installed. Declined updates do not count against a
 * computer. One grouped pass over the computers, whose flags come from the counters the projection
 * keeps on each computer row (not from its status rows: 100,000 computers × hundreds of statuses).
 */
export async function readGroupCompliance(db: SqlExecutor): Promise<GroupCompliance[]> {
  const rows = (
    await db.query<{ group_id: string; computers: number; compliant: number; with_failures: number; needing_reboot: number }>(
      // Every computer once under All Computers, then once per group it is in (a computer in none, or
      // placed in Unassigned Computers by targeting, under Unassigned Computers): two passes over the
      // computers, no per-computer subqueries.
      `SELECT $1::uuid::text AS group_id, ${FLAG_COUNTS} FROM rpt_computers c
       UNION ALL
       SELECT coalesce(m.group_id, $2::uuid)::text, ${FLAG_COUNTS}
         FROM rpt_computers c LEFT JOIN rpt_group_members m ON m.computer_id = c.computer_id
        GROUP BY 1`,
      [ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID],
    )
  ).rows;
  const counts = new Map(rows.map((r) => [r.group_id, r]));
  const groups = (await db.query<{ group_id: string; name: string; parent_group_id: string | null }>(
    'SELECT group_id::text AS group_id, name, parent_group_id::text AS parent_group_id FROM rpt_groups',
  )).rows;
  const known = new Map(groups.map((g) => [g.group_id, g]));
  // Built-in groups are always listed, even before the deployment service's events were seen.
  for (const [id, name] of [[ALL_COMPUTERS_GROUP_ID, 'All Computers'], [UNASSIGNED_COMPUTERS_GROUP_ID, 'Unassigned Computers']] as const) {
    if (!known.has(id)) known.set(id, { group_id: id, name, parent_group_id: id === UNASSIGNED_COMPUTERS_GROUP_ID ? ALL_COMPUTERS_GROUP_ID : null });
  }
  return [...known.values()]
    .map((g) => {
      const c = counts.get(g.group_id);
      const computers = c?.computers ?? 0;
      const compliant = c?.compliant ?? 0;
      return {
        groupId: g.group_id,
        name: g.name,
        parentGroupId: g.parent_group_id,
        computers,
        compliant,
        withFailures: c?.with_failures ?? 0,
        needingReboot: c?.needing_reboot ?? 0,
        compliancePercent: computers === 0 ? null : Math.round((compliant / computers) * 1000) / 10,
      };
    })
    .sort((a, b) => (a.groupId === ALL_COMPUTERS_GROUP_ID ? -1 : b.groupId === ALL_COMPUTERS_GROUP_ID ? 1 : a.name.localeCompare(b.name)));
}

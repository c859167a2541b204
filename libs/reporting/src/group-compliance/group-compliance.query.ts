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

/**
 * Compliance per computer group, as the WSUS console's group view shows it: the share of computers
 * that have every update they reported on installed. Declined updates do not count against a
 * computer. One grouped pass over the computers, whose flags come from the counters the projection
 * keeps on each computer row (not from its status rows: 100,000 computers × hundreds of statuses).
 */
export async function readGroupCompliance(db: SqlExecutor): Promise<GroupCompliance[]> {
  const rows = (
    await db.query<{ group_id: string; computers: number; compliant: number; with_failures: number; needing_reboot: number }>(
      `WITH flags AS (
         SELECT c.computer_id, c.open_count > 0 AS open_work, c.failed_count > 0 AS failed, c.pending_reboot_count > 0 AS reboot
           FROM rpt_computers c
       ), placed AS (
         SELECT $1::uuid AS group_id, f.* FROM flags f
         UNION ALL
         SELECT m.group_id, f.* FROM flags f JOIN rpt_group_members m ON m.computer_id = f.computer_id
         UNION ALL
         SELECT $2::uuid, f.* FROM flags f
          WHERE NOT EXISTS (SELECT 1 FROM rpt_group_members m WHERE m.computer_id = f.computer_id)
       )
       SELECT group_id::text AS group_id, count(*)::int AS computers,
              (count(*) FILTER (WHERE NOT open_work))::int AS compliant,
              (count(*) FILTER (WHERE failed))::int AS with_failures,
              (count(*) FILTER (WHERE reboot))::int AS needing_reboot
         FROM placed GROUP BY group_id`,
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

import type { SqlExecutor } from '#event-store';
import { isoTime } from '../application/load-state.js';
import type { ExpiryCatalog, Supersedence } from './expire-updates.decider.js';

/**
 * The expiry rules' view of the catalog, from the deployment projections: declines, expiries,
 * approvals, and every (superseded update, live supersedence) pair with when the earliest revision
 * that supersedes it arrived, counted only while the update's latest revision still supersedes it.
 * Read once per run (nightly), inside the run's transaction.
 */
export async function loadExpiryCatalog(db: SqlExecutor): Promise<ExpiryCatalog> {
  const declined = await db.query<{ update_id: string; declined_at: Date | string }>('SELECT update_id, declined_at FROM dep_declines');
  const expired = await db.query<{ update_id: string }>('SELECT update_id FROM dep_expired_updates');
  const approvals = await db.query<{ update_id: string; group_id: string }>('SELECT update_id, group_id FROM dep_approvals ORDER BY update_id, group_id');
  const supersedence = await db.query<{ update_id: string; superseded_by: string; since: Date | string }>(
    `WITH latest AS (
       SELECT DISTINCT ON (update_id) update_id, superseded_update_ids FROM dep_catalog_revisions ORDER BY update_id, revision_number DESC
     )
     SELECT s.u AS update_id, r.update_id AS superseded_by, min(coalesce(r.imported_at, now())) AS since
       FROM dep_catalog_revisions r
       CROSS JOIN LATERAL jsonb_array_elements_text(r.superseded_update_ids) AS s(u)
       JOIN latest l ON l.update_id = r.update_id AND l.superseded_update_ids ? s.u
      WHERE EXISTS (SELECT 1 FROM dep_catalog_revisions c WHERE c.update_id = s.u)
      GROUP BY s.u, r.update_id`,
  );
  const approvedGroups = new Map<string, string[]>();
  for (const r of approvals.rows) approvedGroups.set(r.update_id, [...(approvedGroups.get(r.update_id) ?? []), r.group_id]);
  return {
    declinedAt: new Map(declined.rows.map((r) => [r.update_id, isoTime(r.declined_at)])),
    expired: new Set(expired.rows.map((r) => r.update_id)),
    approvedGroups,
    supersedence: supersedence.rows.map((r): Supersedence => ({ updateId: r.update_id, supersededBy: r.superseded_by, since: isoTime(r.since) })),
  };
}

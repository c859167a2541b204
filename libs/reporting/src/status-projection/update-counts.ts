import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from '#contracts';
import type { SqlExecutor } from '#event-store';

/**
 * Per-update, per-group counters of stated statuses (table rpt_update_counts, migration
 * reporting/0006-update-counts), kept by the status projection so that a per-update report reads a few counter
 * rows instead of joining the update's status rows (up to one per computer: 100,000) with every
 * computer. Buckets: All Computers (every computer), each group the computer is in, and
 * Unassigned Computers for a computer in none.
 *
 * `covered` counts the stated rows whose computer's last status snapshot is not older than the
 * update's arrival: a report needs it to split the computers with no row into "not applicable"
 * (covered) and "no status" (see deriveStatus in domain/computer-status.ts).
 *
 * The projection keeps them by difference: it takes an image of the rows an event may change
 * (status and covered, per update), changes them, takes the image again and adds the difference to
 * the computer's buckets. Tests hold the counters equal to a recount from the rows.
 */
export interface RowImage {
  readonly status: number;
  readonly covered: boolean;
}

/** The computer's rows (all, or those of the given updates) as the counters see them. */
export async function imageOf(tx: SqlExecutor, computerId: string, updateIds?: readonly string[]): Promise<Map<string, RowImage>> {
  const rows = await tx.query<{ update_id: string; status: number; covered: boolean }>(
    // The arrival as a scalar subquery: ~200 primary-key lookups, where a join lets the planner hash
    // the whole catalog (10,000 rows) on every event.
    `SELECT s.update_id::text AS update_id, s.status,
            coalesce(c.last_status_at >= (SELECT u.arrived_at FROM rpt_updates u WHERE u.update_id = s.update_id), false) AS covered
       FROM rpt_update_status s
       JOIN rpt_computers c ON c.computer_id = s.computer_id
      WHERE s.computer_id = $1 ${updateIds ? `AND s.update_id = ANY($2::uuid[])` : ''}`,
    updateIds ? [computerId, [...updateIds]] : [computerId],
  );
  return new Map(rows.rows.map((r) => [r.update_id, { status: Number(r.status), covered: r.covered }]));
}

/** What the image query asks for one computer: all its rows (updateId null), or one update's row. */
export interface ImageRequest {
  readonly computerId: string;
  readonly updateId: string | null;
}

/**
 * The images of many computers in one statement (a batch's computers, status-projection/computer-events.ts):
 * whole images for the computers asked with no update, one row for the others.
 */
export async function imagesOf(tx: SqlExecutor, requests: readonly ImageRequest[]): Promise<Map<string, Map<string, RowImage>>> {
  const images = new Map<string, Map<string, RowImage>>(requests.map((r) => [r.computerId, new Map()]));
  if (requests.length === 0) return images;
  const covered = `coalesce(c.last_status_at >= (SELECT u.arrived_at FROM rpt_updates u WHERE u.update_id = s.update_id), false) AS covered`;
  const rows = await tx.query<{ computer_id: string; update_id: string; status: number; covered: boolean }>(
    // Two arms, so that the one-update requests are primary-key lookups, not a scan of the computer's rows.
    `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(c text, u uuid))
     SELECT s.computer_id, s.update_id::text AS update_id, s.status, ${covered}
       FROM x JOIN rpt_update_status s ON s.computer_id = x.c JOIN rpt_computers c ON c.computer_id = s.computer_id
      WHERE x.u IS NULL
     UNION ALL
     SELECT s.computer_id, s.update_id::text AS update_id, s.status, ${covered}
       FROM x JOIN rpt_update_status s ON s.computer_id = x.c AND s.update_id = x.u JOIN rpt_computers c ON c.computer_id = s.computer_id
      WHERE x.u IS NOT NULL`,
    [JSON.stringify(requests.map((r) => ({ c: r.computerId, u: r.updateId })))],
  );
  for (const r of rows.rows) images.get(r.computer_id)!.set(r.update_id, { status: Number(r.status), covered: r.covered });
  return images;
}

export interface Delta {
  readonly u: string;
  readonly s: number;
  readonly c: boolean;
  readonly d: 1 | -1;
}

/** after − before, row by row; unchanged rows give nothing. */
export function imageDeltas(before: ReadonlyMap<string, RowImage>, after: ReadonlyMap<string, RowImage>): Delta[] {
  const deltas: Delta[] = [];
  for (const [u, b] of before) {
    const a = after.get(u);
    if (a !== undefined && a.status === b.status && a.covered === b.covered) continue;
    deltas.push({ u, s: b.status, c: b.covered, d: -1 });
  }
  for (const [u, a] of after) {
    const b = before.get(u);
    if (b !== undefined && a.status === b.status && a.covered === b.covered) continue;
    deltas.push({ u, s: a.status, c: a.covered, d: 1 });
  }
  return deltas;
}

/** The whole image as deltas: added (+1) to or taken out (-1) of a set of buckets (a membership change). */
export function wholeImage(image: ReadonlyMap<string, RowImage>, d: 1 | -1): Delta[] {
  return [...image].map(([u, r]) => ({ u, s: r.status, c: r.covered, d }));
}

/** Adds after − before to the computer's buckets; unchanged rows cost nothing. */
export async function applyImageChange(tx: SqlExecutor, computerId: string, before: ReadonlyMap<string, RowImage>, after: ReadonlyMap<string, RowImage>): Promise<void> {
  await addToBuckets(tx, computerId, imageDeltas(before, after));
}

/** The whole image of the computer, added (+1) or taken out (-1) of its current buckets (a membership change). */
export async function moveImage(tx: SqlExecutor, computerId: string, image: ReadonlyMap<string, RowImage>, d: 1 | -1): Promise<void> {
  await addToBuckets(tx, computerId, wholeImage(image, d));
}

/**
 * Deltas accumulated over one projection batch, per transaction: counter rows of popular updates
 * (All Computers, big groups) are touched by nearly every computer, and updating them per event
 * would rewrite the same rows hundreds of times per batch. They are written once, by flushCounts,
 * at the end of the batch (Projection.endBatch) or before a statement that reads the counters.
 */
interface PendingCounts {
  /** `${updateId}|${groupId}` → [installed, needed, downloaded, failed, pending reboot, covered]. */
  readonly counts: Map<string, number[]>;
  /** Buckets of the computers seen in this batch (forgotten when their groups change). */
  readonly buckets: Map<string, readonly string[]>;
}

const pendingByTransaction = new WeakMap<SqlExecutor, PendingCounts>();

function pendingOf(tx: SqlExecutor): PendingCounts {
  let pending = pendingByTransaction.get(tx);
  if (!pending) {
    pending = { counts: new Map(), buckets: new Map() };
    pendingByTransaction.set(tx, pending);
  }
  return pending;
}

/** The buckets one computer counts in: All Computers, its groups, or Unassigned Computers when it has none. */
async function bucketsOf(tx: SqlExecutor, computerId: string): Promise<readonly string[]> {
  const pending = pendingOf(tx);
  const known = pending.buckets.get(computerId);
  if (known) return known;
  const groups = (await tx.query<{ group_id: string }>('SELECT group_id::text AS group_id FROM rpt_group_members WHERE computer_id = $1', [computerId])).rows.map((r) => r.group_id);
  const buckets = [ALL_COMPUTERS_GROUP_ID, ...(groups.length > 0 ? groups : [UNASSIGNED_COMPUTERS_GROUP_ID])];
  pending.buckets.set(computerId, buckets);
  return buckets;
}

/** The buckets of many computers: those this batch already knows, and the others in one statement. */
export async function bucketsOfMany(tx: SqlExecutor, computerIds: readonly string[]): Promise<Map<string, readonly string[]>> {
  const pending = pendingOf(tx);
  const unknown = computerIds.filter((c) => !pending.buckets.has(c));
  if (unknown.length > 0) {
    const groups = new Map<string, string[]>(unknown.map((c) => [c, []]));
    const rows = await tx.query<{ computer_id: string; group_id: string }>(
      'SELECT computer_id, group_id::text AS group_id FROM rpt_group_members WHERE computer_id = ANY($1::text[])',
      [unknown],
    );
    for (const r of rows.rows) groups.get(r.computer_id)!.push(r.group_id);
    for (const [c, g] of groups) pending.buckets.set(c, [ALL_COMPUTERS_GROUP_ID, ...(g.length > 0 ? g : [UNASSIGNED_COMPUTERS_GROUP_ID])]);
  }
  return new Map(computerIds.map((c) => [c, pending.buckets.get(c)!]));
}

/** The computer's groups changed: look them up again next time. */
export function forgetBuckets(tx: SqlExecutor, computerId?: string): void {
  const pending = pendingOf(tx);
  if (computerId === undefined) pending.buckets.clear();
  else pending.buckets.delete(computerId);
}

async function addToBuckets(tx: SqlExecutor, computerId: string, deltas: readonly Delta[]): Promise<void> {
  if (deltas.length === 0) return;
  addToKnownBuckets(tx, await bucketsOf(tx, computerId), deltas);
}

/** Adds deltas to the given buckets' pending counters (written by flushCounts). */
export function addToKnownBuckets(tx: SqlExecutor, buckets: readonly string[], deltas: readonly Delta[]): void {
  const { counts } = pendingOf(tx);
  for (const delta of deltas) {
    for (const group of buckets) {
      const key = `${delta.u}|${group}`;
      let v = counts.get(key);
      if (!v) {
        v = [0, 0, 0, 0, 0, 0];
        counts.set(key, v);
      }
      if (delta.s === 4) v[0]! += delta.d;
      if (delta.s === 2 || delta.s === 3) v[1]! += delta.d;
      if (delta.s === 3) v[2]! += delta.d;
      if (delta.s === 5) v[3]! += delta.d;
      if (delta.s === 6) v[4]! += delta.d;
      if (delta.c) v[5]! += delta.d;
    }
  }
}

/** Writes the batch's accumulated deltas: one statement, each counter row once. */
export async function flushCounts(tx: SqlExecutor): Promise<void> {
  const { counts } = pendingOf(tx);
  const rows = [...counts].filter(([, v]) => v.some((n) => n !== 0)).map(([key, v]) => [...key.split('|'), ...v]);
  counts.clear();
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO rpt_update_counts AS t (update_id, group_id, installed, needed, downloaded, failed, pending_reboot, covered)
     SELECT (x->>0)::uuid, (x->>1)::uuid, (x->>2)::int, (x->>3)::int, (x->>4)::int, (x->>5)::int, (x->>6)::int, (x->>7)::int
       FROM jsonb_array_elements($1::jsonb) AS x
     ON CONFLICT (update_id, group_id) DO UPDATE SET
       installed = t.installed + EXCLUDED.installed, needed = t.needed + EXCLUDED.needed,
       downloaded = t.downloaded + EXCLUDED.downloaded, failed = t.failed + EXCLUDED.failed,
       pending_reboot = t.pending_reboot + EXCLUDED.pending_reboot, covered = t.covered + EXCLUDED.covered`,
    [JSON.stringify(rows)],
  );
}

/** The buckets one computer counts in: All Computers, its groups, or Unassigned Computers when it has none. */
const BUCKETS_SQL = (computer: string, all: string, unassigned: string): string => `
  SELECT ${all}::uuid AS group_id
  UNION ALL SELECT m.group_id FROM rpt_group_members m WHERE m.computer_id = ${computer}
  UNION ALL SELECT ${unassigned}::uuid WHERE NOT EXISTS (SELECT 1 FROM rpt_group_members m WHERE m.computer_id = ${computer})`;

/**
 * The counters of every update from the rows, in one statement: the migration's fill, the recount
 * of a newly imported update (statuses stated before it arrived) and the tests' reference.
 */
export const RECOUNT_SQL = (where: string): string => `
  SELECT s.update_id, b.group_id,
         count(*) FILTER (WHERE s.status = 4)::int AS installed,
         count(*) FILTER (WHERE s.status IN (2, 3))::int AS needed,
         count(*) FILTER (WHERE s.status = 3)::int AS downloaded,
         count(*) FILTER (WHERE s.status = 5)::int AS failed,
         count(*) FILTER (WHERE s.status = 6)::int AS pending_reboot,
         count(*) FILTER (WHERE coalesce(c.last_status_at >= u.arrived_at, false))::int AS covered
    FROM rpt_update_status s
    JOIN rpt_computers c ON c.computer_id = s.computer_id
    LEFT JOIN rpt_updates u ON u.update_id = s.update_id
   CROSS JOIN LATERAL (${BUCKETS_SQL('s.computer_id', `'${ALL_COMPUTERS_GROUP_ID}'`, `'${UNASSIGNED_COMPUTERS_GROUP_ID}'`)}) AS b
   ${where}
   GROUP BY s.update_id, b.group_id`;

/** Recounts one update's counters from its rows (an index range of that update). */
export async function recountUpdate(tx: SqlExecutor, updateId: string): Promise<void> {
  await flushCounts(tx);
  await tx.query('DELETE FROM rpt_update_counts WHERE update_id = $1', [updateId]);
  await tx.query(
    `INSERT INTO rpt_update_counts (update_id, group_id, installed, needed, downloaded, failed, pending_reboot, covered)
     ${RECOUNT_SQL('WHERE s.update_id = $1')}`,
    [updateId],
  );
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVENT_STORE_MIGRATIONS, migrate, PgDatabase } from '#event-store';
import { createTestDatabase, planCapturingExecutor, type PlannedScan, requireServices, type TestDatabase } from '#test-support';
import { loadState } from '../src/application/load-state.js';
import { DEPLOYMENT_MIGRATIONS } from '../src/projections/deployment.migrations.js';

const skip = await requireServices('postgres');
const UPDATES = 30_000;
const U = (n: number): string => `50000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const GROUP = '60000000-0000-4000-8000-000000000001';

/**
 * Every approval, decline and membership command loads its slice of the state by a list of ids.
 * At 100,000 revisions a plan that scanned dep_catalog_revisions made each approval cost ~40 ms of
 * PostgreSQL CPU (and the benchmark's 26,000 approvals ten minutes); these hold the slice's lookups
 * to indexes on a catalog large enough for the planner to tell the difference.
 */
describe('loading a command\'s state by ids on a large catalog (PostgreSQL)', { skip }, () => {
  let database: TestDatabase;
  let db: PgDatabase;

  before(async () => {
    database = await createTestDatabase('deployment_plans');
    db = new PgDatabase({ connectionString: database.url });
    await migrate(db, [...EVENT_STORE_MIGRATIONS, ...DEPLOYMENT_MIGRATIONS]);
    const id = (expr: string): string => `'50000000-0000-4000-8000-' || lpad((${expr})::text, 12, '0')`;
    await db.exec(`
      -- Titles as long as real ones (the planner weighs a table by its pages). Update n supersedes n - 1 (odd n), bundles n + 1 (multiples of 1,000), has EULA e<n> (multiples of 7).
      INSERT INTO dep_catalog_revisions (update_id, revision_number, revision_id, update_type, title, superseded_update_ids, bundled, eula_id)
        SELECT ${id('n')}, 1, n, 'Software', 'Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB5' || lpad(n::text, 6, '0') || ')',
               CASE WHEN n % 2 = 1 THEN jsonb_build_array(${id('n - 1')}) ELSE '[]'::jsonb END,
               CASE WHEN n % 1000 = 0 THEN jsonb_build_array(jsonb_build_object('updateId', ${id('n + 1')}, 'revisionNumber', 1)) ELSE '[]'::jsonb END,
               CASE WHEN n % 7 = 0 THEN 'e' || n END
          FROM generate_series(1, ${UPDATES}) AS n;
      INSERT INTO dep_approvals (update_id, group_id, revision_number, action, deadline, deployment_id, changed_at, changed_by)
        SELECT ${id('n')}, '${GROUP}', 1, 'Install', NULL, n, now(), 'admin' FROM generate_series(1, ${UPDATES}, 3) AS n;
      INSERT INTO dep_memberships (computer_id, group_id, assigned_by, changed_at)
        SELECT 'pc-' || n, '${GROUP}', 'admin', now() FROM generate_series(1, ${UPDATES}) AS n;
      INSERT INTO dep_declines (update_id, declined_at) SELECT ${id('n')}, now() FROM generate_series(2, ${UPDATES}, 500) AS n;
      INSERT INTO dep_eula_acceptances (eula_id, update_id, revision_number, accepted_at, accepted_by)
        SELECT 'e' || n, ${id('n')}, 1, now(), 'admin' FROM generate_series(7, ${UPDATES}, 14) AS n;
    `);
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  /** Whole-table reads of the tables that grow with the catalog and the fleet (small ones, like the group tree, are read whole by design). */
  const scansOfLargeTables = (scans: readonly PlannedScan[]): string[] =>
    scans
      .filter((s) => s.nodeType === 'Seq Scan' && ['dep_catalog_revisions', 'dep_approvals', 'dep_memberships'].includes(s.relation))
      .map((s) => `${s.relation} in ${s.sql.replace(/\s+/g, ' ')}`);

  it('an approval\'s slice (one update, what supersedes it, its bundle, EULAs, a computer): by index, and complete', async () => {
    const { executor, scans } = planCapturingExecutor(db);
    // Update 1000: approved? (1000 % 3 = 1: yes), superseded by 1001, bundles 1001, declined? no.
    const state = await loadState(executor, { updateIds: [U(1000)], computerIds: ['pc-17'] });
    assert.deepEqual(scansOfLargeTables(scans), []);
    assert.deepEqual([...state.catalog.keys()].sort(), [U(1000), U(1001)]);
    assert.deepEqual([...state.approvals.get(U(1000))!.keys()], [GROUP]);
    assert.deepEqual(state.memberships.get('pc-17'), [GROUP]);
    assert.equal(state.declined.size, 0);
    // 1001 % 7 = 0: its EULA, accepted (7 + 14k).
    assert.deepEqual([...state.acceptedEulas.keys()], ['e1001']);
  });

  it('ids that match nothing, repeated ids and odd strings load nothing extra and fail nothing', async () => {
    const { executor, scans } = planCapturingExecutor(db);
    const state = await loadState(executor, { updateIds: [U(99_999_999), U(2), U(2)], computerIds: ['no "such", {pc}', 'NULL'] });
    assert.deepEqual(scansOfLargeTables(scans), []);
    assert.deepEqual([...state.catalog.keys()].sort(), [U(2), U(3)]);
    assert.deepEqual([...state.declined], [U(2)]);
    assert.equal(state.memberships.size, 0);
  });
});

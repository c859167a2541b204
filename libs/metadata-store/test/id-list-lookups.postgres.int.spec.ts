import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVENT_STORE_MIGRATIONS, migrate, PgDatabase } from '#event-store';
import { createTestDatabase, planCapturingExecutor, requireServices, type TestDatabase } from '#test-support';
import { METADATA_STORE_MIGRATIONS } from '../src/metadata-store.migrations.js';
import { findFiles, findRevisionsById, loadFragments } from '../src/update-revisions/update-revisions.queries.js';

const skip = await requireServices('postgres');
const REVISIONS = 30_000;

/**
 * GetExtendedUpdateInfo and GetFileLocations look fragments, revisions and files up by a client's
 * list of ids. At 100,000 revisions a plan that scans ms_revision_fragments (600,000 rows) took a
 * second per call; these hold every such lookup to an index on a catalog large enough for the
 * planner to tell the difference.
 */
describe('metadata lookups by a list of ids on a large catalog (PostgreSQL)', { skip }, () => {
  let database: TestDatabase;
  let db: PgDatabase;

  before(async () => {
    database = await createTestDatabase('metadata_plans');
    db = new PgDatabase({ connectionString: database.url });
    await migrate(db, [...EVENT_STORE_MIGRATIONS, ...METADATA_STORE_MIGRATIONS]);
    await db.exec(`
      INSERT INTO ms_update_documents (sha256, xml) VALUES (repeat('a', 64), '<x/>');
      INSERT INTO ms_revisions (revision_id, update_id, revision_number, update_type, title, document_sha256, source, imported_at)
        SELECT n, '50000000-0000-4000-8000-' || lpad(n::text, 12, '0'), 1, 'Software', 't' || n, repeat('a', 64), 'imported', now()
          FROM generate_series(1, ${REVISIONS}) AS n;
      INSERT INTO ms_revision_fragments (revision_id, kind, locale, geo_id, xml)
        SELECT n, k.kind, k.locale, NULL, '<f/>' FROM generate_series(1, ${REVISIONS}) AS n
          CROSS JOIN (VALUES ('Core', NULL), ('Extended', NULL), ('LocalizedProperties', 'en'), ('LocalizedProperties', 'de')) AS k(kind, locale);
      INSERT INTO ms_files (sha1, sha1_hex, sha256, size, file_name)
        SELECT 'sha1-' || n, upper(lpad(to_hex(n), 40, '0')), NULL, n, 'f' || n || '.cab' FROM generate_series(1, ${REVISIONS}) AS n;
    `);
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  const wholeTableScans = (scans: readonly { nodeType: string; relation: string }[]): string[] =>
    scans.filter((s) => s.nodeType === 'Seq Scan').map((s) => s.relation);

  it('fragments of a few revisions and kinds: by index, with the right rows', async () => {
    const { executor, scans } = planCapturingExecutor(db);
    const fragments = await loadFragments(executor, [7, 29_999, 12], ['Core', 'LocalizedProperties']);
    assert.deepEqual(wholeTableScans(scans), []);
    assert.deepEqual(fragments.map((f) => `${f.revisionId}:${f.kind}:${f.locale ?? ''}`), [
      '7:Core:', '7:LocalizedProperties:de', '7:LocalizedProperties:en',
      '12:Core:', '12:LocalizedProperties:de', '12:LocalizedProperties:en',
      '29999:Core:', '29999:LocalizedProperties:de', '29999:LocalizedProperties:en',
    ]);
  });

  it('revisions and files by id: by index; unknown ids give nothing, repeated ones one row', async () => {
    const { executor, scans } = planCapturingExecutor(db);
    const revisions = await findRevisionsById(executor, [5, 5, 40_000_000]);
    const files = await findFiles(executor, ['sha1-9', 'sha1-9', 'no such "file", {x}']);
    assert.deepEqual(wholeTableScans(scans), []);
    assert.deepEqual(revisions.map((r) => r.revisionId), [5]);
    assert.deepEqual(files.map((f) => f.fileName), ['f9.cab']);
  });
});

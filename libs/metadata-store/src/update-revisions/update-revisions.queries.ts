import type { SqlExecutor } from '#event-store';
import type { FragmentRow } from './update-revisions.projection.js';

/** Reads of the update-revisions projection. */

export interface RevisionRow {
  readonly revisionId: number;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly updateType: string;
  readonly title: string;
  readonly documentSha256: string;
  readonly source: string;
  readonly importedAt: string;
}

interface RevisionSqlRow {
  revision_id: number;
  update_id: string;
  revision_number: number;
  update_type: string;
  title: string;
  document_sha256: string;
  source: string;
  imported_at: string;
}

const REVISION_COLUMNS = `revision_id, update_id, revision_number, update_type, title, document_sha256, source,
  to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS imported_at`;

const toRevision = (r: RevisionSqlRow): RevisionRow => ({
  revisionId: r.revision_id,
  updateId: r.update_id,
  revisionNumber: r.revision_number,
  updateType: r.update_type,
  title: r.title,
  documentSha256: r.document_sha256,
  source: r.source,
  importedAt: r.imported_at,
});

/** The given revision of an update, or its highest-numbered one when revisionNumber is undefined. */
export async function findRevision(db: SqlExecutor, updateId: string, revisionNumber?: number): Promise<RevisionRow | null> {
  const result =
    revisionNumber === undefined
      ? await db.query<RevisionSqlRow>(
          `SELECT ${REVISION_COLUMNS} FROM ms_revisions WHERE update_id = $1 ORDER BY revision_number DESC LIMIT 1`,
          [updateId],
        )
      : await db.query<RevisionSqlRow>(
          `SELECT ${REVISION_COLUMNS} FROM ms_revisions WHERE update_id = $1 AND revision_number = $2`,
          [updateId, revisionNumber],
        );
  const row = result.rows[0];
  return row ? toRevision(row) : null;
}

export async function findRevisionsById(db: SqlExecutor, revisionIds: readonly number[]): Promise<RevisionRow[]> {
  if (revisionIds.length === 0) return [];
  const result = await db.query<RevisionSqlRow>(
    `SELECT ${REVISION_COLUMNS} FROM ms_revisions
      WHERE revision_id = ANY($1::integer[])`,
    [[...revisionIds]],
  );
  return result.rows.map(toRevision);
}

export interface StoredFragment extends FragmentRow {
  readonly revisionId: number;
}

/** Every stored fragment of these kinds for these revisions; locale selection is the caller's. */
export async function loadFragments(
  db: SqlExecutor,
  revisionIds: readonly number[],
  kinds: readonly FragmentRow['kind'][],
): Promise<StoredFragment[]> {
  if (revisionIds.length === 0 || kinds.length === 0) return [];
  const result = await db.query<{ revision_id: number; kind: FragmentRow['kind']; locale: string | null; geo_id: string | null; xml: string }>(
    `SELECT revision_id, kind, locale, geo_id, xml FROM ms_revision_fragments
      WHERE revision_id = ANY($1::integer[])
        AND kind = ANY($2::text[])
      ORDER BY revision_id, kind, locale NULLS FIRST, geo_id NULLS FIRST`,
    [[...revisionIds], [...kinds]],
  );
  return result.rows.map((r) => ({ revisionId: r.revision_id, kind: r.kind, locale: r.locale, geoId: r.geo_id, xml: r.xml }));
}

export interface FileRow {
  readonly sha1: string;
  readonly sha1Hex: string;
  readonly sha256: string | null;
  readonly size: number;
  readonly fileName: string;
}

export async function findFiles(db: SqlExecutor, sha1s: readonly string[]): Promise<FileRow[]> {
  if (sha1s.length === 0) return [];
  const result = await db.query<{ sha1: string; sha1_hex: string; sha256: string | null; size: string; file_name: string }>(
    `SELECT sha1, sha1_hex, sha256, size::text AS size, file_name FROM ms_files
      WHERE sha1 = ANY($1::text[])`,
    [[...sha1s]],
  );
  return result.rows.map((r) => ({ sha1: r.sha1, sha1Hex: r.sha1_hex, sha256: r.sha256, size: Number(r.size), fileName: r.file_name }));
}

import { UpdateRevisionImported, type RecordedEvent } from '#contracts';
import type { Projection, SqlExecutor } from '#event-store';
import { readUpdateDocument } from '#wsus-codecs/update-metadata';
import { canonicalSha1, sha1Hex } from '../content-store/content-path.js';
import { loadDocument } from '../update-documents/update-documents.store.js';

export const UPDATE_REVISIONS_PROJECTION = 'metadata-store.update-revisions';

/** One row of ms_revision_fragments. */
export interface FragmentRow {
  readonly kind: 'Core' | 'Extended' | 'LocalizedProperties' | 'Eula';
  readonly locale: string | null;
  readonly geoId: string | null;
  readonly xml: string;
}

/**
 * ms_revisions, ms_revision_fragments, ms_files and ms_revision_files from UpdateRevisionImported
 * events plus the document each names. Fragments are derived here, once per revision, with the same
 * reader the import used, so a rebuild from position zero gives the same rows.
 */
export const updateRevisionsProjection: Projection = {
  name: UPDATE_REVISIONS_PROJECTION,
  eventTypes: [UpdateRevisionImported.type],

  async apply(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
    if (event.type !== UpdateRevisionImported.type || event.schemaVersion !== UpdateRevisionImported.schemaVersion) return;
    const data = UpdateRevisionImported.schema.parse(event.data);
    const xml = await loadDocument(tx, data.documentSha256);
    // The import writes the document and the event in one transaction; a missing document means
    // the store was tampered with. Failing keeps the projection honest (the runner retries and reports).
    if (xml === null) throw new Error(`update document ${data.documentSha256} of revision ${data.revisionId} is missing`);

    await tx.query(
      `INSERT INTO ms_revisions
         (revision_id, update_id, revision_number, update_type, title, document_sha256, source, imported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        data.revisionId,
        data.updateId,
        data.revisionNumber,
        data.updateType,
        data.title,
        data.documentSha256,
        data.source,
        event.metadata.occurredAt,
      ],
    );
    await insertFragments(tx, data.revisionId, fragmentRows(xml, data.coreXml));

    const files = data.files.map((f) => {
      const sha1 = canonicalSha1(f.sha1) ?? f.sha1;
      return { sha1, sha1_hex: sha1Hex(sha1), sha256: f.sha256, size: f.size, file_name: f.fileName };
    });
    if (files.length > 0) {
      // A file shared by several revisions keeps the first name and size seen: both come from its
      // digest-identified content, so they do not differ in practice.
      await tx.query(
        `INSERT INTO ms_files (sha1, sha1_hex, sha256, size, file_name)
         SELECT sha1, sha1_hex, sha256, size, file_name
           FROM jsonb_to_recordset($1::jsonb) AS f(sha1 text, sha1_hex text, sha256 text, size bigint, file_name text)
         ON CONFLICT (sha1) DO NOTHING`,
        [JSON.stringify(files)],
      );
      await tx.query(
        `INSERT INTO ms_revision_files (revision_id, sha1)
         SELECT DISTINCT $1::integer, sha1 FROM jsonb_to_recordset($2::jsonb) AS f(sha1 text)`,
        [data.revisionId, JSON.stringify(files)],
      );
    }
    // Keeps the allocator ahead of every id in the log, also in a database restored from the log
    // alone. In a live database this never fires: every logged id came from the sequence.
    await tx.query(
      `SELECT setval('ms_revision_id_seq', $1::integer) FROM ms_revision_id_seq WHERE last_value < $1::integer`,
      [data.revisionId],
    );
  },

  async reset(tx: SqlExecutor): Promise<void> {
    await tx.exec('DELETE FROM ms_revision_files; DELETE FROM ms_revision_fragments; DELETE FROM ms_files; DELETE FROM ms_revisions;');
  },
};

/**
 * The Metadata-table rows of one revision (MS-WUSP §3.1.1.1). Core is the event's coreXml (what
 * SyncUpdates already sent, so GetExtendedUpdateInfo can never disagree with it).
 */
export function fragmentRows(xml: string, coreXml: string): FragmentRow[] {
  const { fragments } = readUpdateDocument(xml);
  const rows: FragmentRow[] = [
    { kind: 'Core', locale: null, geoId: null, xml: coreXml },
    { kind: 'Extended', locale: null, geoId: null, xml: fragments.extended },
  ];
  for (const [locale, fragment] of fragments.localized) rows.push({ kind: 'LocalizedProperties', locale, geoId: null, xml: fragment });
  const eulaKeys = new Set<string>();
  for (const eula of fragments.eula) {
    // Same key as the unique index: a repeated (locale, GeoId) keeps its first EulaFile.
    const key = `${eula.locale.toLowerCase()}|${eula.geoId ?? ''}`;
    if (eulaKeys.has(key)) continue;
    eulaKeys.add(key);
    rows.push({ kind: 'Eula', locale: eula.locale, geoId: eula.geoId ?? null, xml: eula.xml });
  }
  return rows;
}

async function insertFragments(tx: SqlExecutor, revisionId: number, rows: readonly FragmentRow[]): Promise<void> {
  await tx.query(
    `INSERT INTO ms_revision_fragments (revision_id, kind, locale, geo_id, xml)
     SELECT $1::integer, kind, locale, geo_id, xml
       FROM jsonb_to_recordset($2::jsonb) AS f(kind text, locale text, geo_id text, xml text)`,
    [revisionId, JSON.stringify(rows.map((r) => ({ kind: r.kind, locale: r.locale, geo_id: r.geoId, xml: r.xml })))],
  );
}

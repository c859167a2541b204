import type { RecordedEvent, UpdateRevisionImportedData } from '#contracts';
import type { Projection } from '#event-store';

export const DEPLOYMENT_CATALOG_PROJECTION = 'deployment.catalog';

/**
 * The deployment service's own view of the catalog, built from UpdateRevisionImported in the log
 * (never by asking the metadata store): which updates and revisions exist, bundles, supersedence,
 * which EULA each revision carries, and when it arrived (cleanup measures supersedence from it).
 * Re-imports of a revision (sync retries) are no-ops.
 */
export const catalogProjection: Projection = {
  name: DEPLOYMENT_CATALOG_PROJECTION,
  eventTypes: ['UpdateRevisionImported'],
  async apply(tx, event: RecordedEvent) {
    const d = event.data as UpdateRevisionImportedData;
    await tx.query(
      `INSERT INTO dep_catalog_revisions (update_id, revision_number, revision_id, update_type, title, superseded_update_ids, bundled, eula_id, imported_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9) ON CONFLICT DO NOTHING`,
      [
        d.updateId, d.revisionNumber, d.revisionId, d.updateType, d.title, JSON.stringify(d.supersededUpdateIds), JSON.stringify(d.bundledRevisions.flat()),
        d.eulaId === null ? null : d.eulaId.toLowerCase(),
        event.recordedAt,
      ],
    );
  },
  async reset(tx) {
    await tx.exec('DELETE FROM dep_catalog_revisions');
  },
};

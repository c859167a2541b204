import type { RecordedEvent, UpdateRevisionImportedData } from '#contracts';
import type { Projection, SqlExecutor } from '#event-store';

export const DEPLOYMENT_RULE_CATALOG_PROJECTION = 'deployment.rule-catalog';

/** The categories a revision carries: IsCategory clauses plus the other prerequisite ids (see the migration). */
export const carriedCategoryIds = (d: Pick<UpdateRevisionImportedData, 'categoryIds' | 'prerequisites'>): string[] =>
  [...new Set([...d.categoryIds, ...d.prerequisites.flat()])].sort();

/**
 * What approval rules match on, from UpdateRevisionImported: each update's latest revision with its
 * categories, and each category's parents. Idempotent (re-imports, and the process manager applying
 * the same event ahead of this runner).
 */
export async function applyRuleCatalogEvent(tx: SqlExecutor, event: Pick<RecordedEvent, 'data'>): Promise<void> {
  const d = event.data as UpdateRevisionImportedData;
  await tx.query(
    `INSERT INTO dep_rule_candidates (update_id, revision_number, update_type, title, category_ids) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (update_id) DO UPDATE SET revision_number = excluded.revision_number, update_type = excluded.update_type,
       title = excluded.title, category_ids = excluded.category_ids
     WHERE dep_rule_candidates.revision_number < excluded.revision_number`,
    [d.updateId, d.revisionNumber, d.updateType, d.title, JSON.stringify(carriedCategoryIds(d))],
  );
  if (d.updateType === 'Category') {
    await tx.query(
      `INSERT INTO dep_category_parents (category_id, title, parent_ids) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (category_id) DO UPDATE SET title = excluded.title, parent_ids = excluded.parent_ids`,
      [d.updateId, d.title, JSON.stringify(carriedCategoryIds(d))],
    );
  }
}

export const ruleCatalogProjection: Projection = {
  name: DEPLOYMENT_RULE_CATALOG_PROJECTION,
  eventTypes: ['UpdateRevisionImported'],
  apply: (tx, event: RecordedEvent) => applyRuleCatalogEvent(tx, event),
  async reset(tx) {
    await tx.exec('DELETE FROM dep_rule_candidates; DELETE FROM dep_category_parents;');
  },
};

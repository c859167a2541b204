import { type RecordedEvent, UpdateExpired } from '#contracts';
import type { Projection, SqlExecutor } from '#event-store';

export const EXPIRED_UPDATES_PROJECTION = 'metadata-store.expired-updates';

/**
 * ms_expired_updates from UpdateExpired (written by the deployment service's cleanup run): which
 * revisions are no longer live, so which files nothing else uses. Caught up by the cleanup request
 * itself, right after the run expired updates, so the same run deletes their files.
 */
export const expiredUpdatesProjection: Projection = {
  name: EXPIRED_UPDATES_PROJECTION,
  eventTypes: [UpdateExpired.type],

  async apply(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
    if (event.type !== UpdateExpired.type) return;
    const { updateId } = UpdateExpired.schema.parse(event.data);
    await tx.query(`INSERT INTO ms_expired_updates (update_id, expired_at) VALUES ($1, $2) ON CONFLICT (update_id) DO NOTHING`, [
      updateId,
      event.metadata.occurredAt,
    ]);
  },

  async reset(tx: SqlExecutor): Promise<void> {
    await tx.exec('DELETE FROM ms_expired_updates');
  },
};

import {
  type RecordedEvent,
  SynchronizationCompleted,
  SynchronizationFailed,
  SynchronizationStarted,
} from '#contracts';
import type { Migration, Projection } from '#event-store';
import type { z } from 'zod';

type Data<D extends { schema: z.ZodType }> = z.infer<D['schema']>;

export const SYNCHRONIZATION_HISTORY_PROJECTION = 'reporting.synchronizations';

export const SYNCHRONIZATION_HISTORY_MIGRATIONS: readonly Migration[] = [
  {
    id: 'reporting/0003-synchronizations',
    description: 'synchronization history: one row per run (imports today, upstream synchronization later)',
    sql: `
      CREATE TABLE rpt_synchronizations (
        run_id              uuid PRIMARY KEY,
        source              text NOT NULL,
        trigger             text NOT NULL,
        upstream_server_url text,
        expected_items      integer,
        started_at          timestamptz NOT NULL,
        started_by          text,
        finished_at         timestamptz,
        -- running | succeeded | completed-with-errors | failed
        result              text NOT NULL,
        new_updates         integer NOT NULL DEFAULT 0,
        revised_updates     integer NOT NULL DEFAULT 0,
        expired_updates     integer NOT NULL DEFAULT 0,
        unchanged_updates   integer NOT NULL DEFAULT 0,
        error_count         integer NOT NULL DEFAULT 0,
        errors              jsonb NOT NULL DEFAULT '[]'::jsonb,
        failure_code        text,
        failure_message     text
      );
      -- newest first, the history's only order
      CREATE INDEX rpt_synchronizations_by_start ON rpt_synchronizations (started_at DESC, run_id DESC);
    `,
  },
];

/**
 * The synchronization history (MS-WSUSOD 2.5.3.4): one row per run, from the runs' events. A run
 * whose end was never recorded (its process died) stays `running`.
 */
export const synchronizationHistoryProjection: Projection = {
  name: SYNCHRONIZATION_HISTORY_PROJECTION,
  eventTypes: [SynchronizationStarted.type, SynchronizationCompleted.type, SynchronizationFailed.type],
  migrations: SYNCHRONIZATION_HISTORY_MIGRATIONS,

  async apply(tx, event: RecordedEvent) {
    if (event.schemaVersion !== 1) return; // no other versions exist yet; an upcaster goes here
    switch (event.type) {
      case SynchronizationStarted.type: {
        const d = event.data as Data<typeof SynchronizationStarted>;
        await tx.query(
          `INSERT INTO rpt_synchronizations (run_id, source, trigger, upstream_server_url, expected_items, started_at, started_by, result)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'running') ON CONFLICT (run_id) DO NOTHING`,
          [d.runId, d.source, d.trigger, d.upstreamServerUrl, d.expectedItems, event.metadata.occurredAt, event.metadata.actor],
        );
        return;
      }
      case SynchronizationCompleted.type:
      case SynchronizationFailed.type: {
        const d = event.data as Data<typeof SynchronizationCompleted> & Partial<Pick<Data<typeof SynchronizationFailed>, 'code' | 'message'>>;
        const result = event.type === SynchronizationFailed.type ? 'failed' : d.errorCount > 0 ? 'completed-with-errors' : 'succeeded';
        await tx.query(
          `UPDATE rpt_synchronizations SET finished_at = $2, result = $3, new_updates = $4, revised_updates = $5, expired_updates = $6,
                  unchanged_updates = $7, error_count = $8, errors = $9::jsonb, failure_code = $10, failure_message = $11
            WHERE run_id = $1`,
          [
            d.runId, event.metadata.occurredAt, result, d.newUpdates, d.revisedUpdates, d.expiredUpdates, d.unchangedUpdates, d.errorCount,
            JSON.stringify(d.errors), d.code ?? null, d.message ?? null,
          ],
        );
        return;
      }
    }
  },

  async reset(tx) {
    await tx.exec('DELETE FROM rpt_synchronizations');
  },
};

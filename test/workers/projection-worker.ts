/**
 * A projection process for the crash test: follows the log, applying each event slowly so that a
 * SIGKILL lands mid-batch. Usage: projection-worker <database-url>
 */
import { EventStore, PgDatabase, type Projection } from '#event-store';
import { EventSchemaRegistry } from '#contracts';

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: projection-worker <database-url>\n');
  process.exit(2);
}

const projection: Projection = {
  name: 'crash-test',
  async apply(tx, event) {
    // Applying twice would make times = 2; never applying leaves the row missing.
    await tx.query(
      `INSERT INTO crash_applied (message_id, times) VALUES ($1, 1)
       ON CONFLICT (message_id) DO UPDATE SET times = crash_applied.times + 1`,
      [event.metadata.messageId],
    );
    await new Promise((r) => setTimeout(r, 2));
  },
  async reset(tx) {
    await tx.query('DELETE FROM crash_applied');
  },
};

const store = await EventStore.open(new PgDatabase({ connectionString: url }), { registry: new EventSchemaRegistry() });
const runner = store.projectionRunner(projection, { batchSize: 50 });
let applied = 0;
for (;;) {
  const n = await runner.processBatch();
  applied += n;
  process.stdout.write(`applied ${applied}\n`);
  if (n === 0) break;
}
process.stdout.write('caught-up\n');
await store.close();

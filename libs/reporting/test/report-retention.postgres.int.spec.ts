import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices } from '#test-support';
import { reportRetentionContract } from './report-retention.contract.js';

const skip = await requireServices('postgres');

reportRetentionContract({
  name: 'PostgreSQL',
  skip,
  open: async () => {
    const testDb = await createTestDatabase('reporting-retention');
    const db = new PgDatabase({ connectionString: testDb.url });
    return { db, cleanup: () => testDb.drop() };
  },
});

import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices } from '#test-support';
import { statusProjectionContract } from './status-projection.contract.js';

const skip = await requireServices('postgres');

statusProjectionContract({
  name: 'PostgreSQL',
  skip,
  open: async () => {
    const testDb = await createTestDatabase('reporting');
    const db = new PgDatabase({ connectionString: testDb.url });
    return { db, cleanup: () => testDb.drop() };
  },
});

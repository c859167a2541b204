import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices } from '#test-support';
import { staleComputersContract } from './stale-computers.contract.js';

const skip = await requireServices('postgres');

staleComputersContract({
  name: 'PostgreSQL',
  skip,
  open: async () => {
    const testDb = await createTestDatabase('reporting-stale');
    const db = new PgDatabase({ connectionString: testDb.url });
    return { db, cleanup: () => testDb.drop() };
  },
});

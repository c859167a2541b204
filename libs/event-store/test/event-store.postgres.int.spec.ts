import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices } from '#test-support';
import { eventStoreContract } from './event-store.contract.js';

const skip = await requireServices('postgres');

eventStoreContract({
  name: 'PostgreSQL',
  skip,
  async open() {
    const database = await createTestDatabase('contract');
    const db = new PgDatabase({ connectionString: database.url });
    return { db, cleanup: () => database.drop() };
  },
});

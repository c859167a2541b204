import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices } from '#test-support';
import { metadataStoreContract } from './metadata-store.contract.js';

const skip = await requireServices('postgres');

metadataStoreContract({
  name: 'PostgreSQL',
  skip,
  async open() {
    const database = await createTestDatabase('metadata');
    const db = new PgDatabase({ connectionString: database.url });
    return { db, cleanup: () => database.drop() };
  },
});

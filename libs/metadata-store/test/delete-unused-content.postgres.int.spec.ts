import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices } from '#test-support';
import { deleteUnusedContentContract } from './delete-unused-content.contract.js';

const skip = await requireServices('postgres');

deleteUnusedContentContract({
  name: 'PostgreSQL',
  skip,
  concurrentTransactions: true,
  async open() {
    const database = await createTestDatabase('unused_content');
    const db = new PgDatabase({ connectionString: database.url });
    return { db, cleanup: () => database.drop() };
  },
});

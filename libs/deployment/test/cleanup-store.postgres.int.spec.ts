import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices, type TestDatabase } from '#test-support';
import { cleanupStoreContract } from './cleanup-store.contract.js';

const skip = await requireServices('postgres');
let database: TestDatabase | undefined;

cleanupStoreContract({
  name: 'PostgreSQL',
  skip,
  twoInstances: true,
  async open() {
    database = await createTestDatabase('deployment-cleanup');
    const url = database.url;
    return {
      db: new PgDatabase({ connectionString: url }),
      cleanup: async () => database?.drop(),
      second: async () => new PgDatabase({ connectionString: url }),
    };
  },
});

import { PgDatabase } from '#event-store';
import { createTestDatabase, requireServices, type TestDatabase } from '#test-support';
import { configurationRulesStoreContract } from './configuration-rules-store.contract.js';

const skip = await requireServices('postgres');
let database: TestDatabase | undefined;

configurationRulesStoreContract({
  name: 'PostgreSQL',
  skip,
  twoInstances: true,
  async open() {
    database = await createTestDatabase('deployment-rules');
    const url = database.url;
    return {
      db: new PgDatabase({ connectionString: url }),
      cleanup: async () => database?.drop(),
      second: async () => new PgDatabase({ connectionString: url }),
    };
  },
});

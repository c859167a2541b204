import { PgliteDatabase } from '#event-store';
import { deploymentStoreContract } from './deployment-store.contract.js';

deploymentStoreContract({
  name: 'PGlite (embedded)',
  skip: false,
  twoInstances: false,
  async open() {
    const db = await PgliteDatabase.open();
    return { db, cleanup: async () => undefined };
  },
});

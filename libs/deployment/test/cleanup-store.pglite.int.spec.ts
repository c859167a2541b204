import { PgliteDatabase } from '#event-store';
import { cleanupStoreContract } from './cleanup-store.contract.js';

cleanupStoreContract({
  name: 'PGlite',
  skip: false,
  twoInstances: false,
  async open() {
    const db = await PgliteDatabase.open();
    return { db, cleanup: async () => undefined };
  },
});

import { PgliteDatabase } from '#event-store';
import { configurationRulesStoreContract } from './configuration-rules-store.contract.js';

configurationRulesStoreContract({
  name: 'PGlite',
  skip: false,
  twoInstances: false,
  async open() {
    const db = await PgliteDatabase.open();
    return { db, cleanup: async () => undefined };
  },
});

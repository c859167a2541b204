import { PgliteDatabase } from '#event-store';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract({
  name: 'PGlite (embedded)',
  skip: false,
  async open() {
    const db = await PgliteDatabase.open();
    return { db, cleanup: async () => undefined };
  },
});

import { PgliteDatabase } from '#event-store';
import { metadataStoreContract } from './metadata-store.contract.js';

metadataStoreContract({
  name: 'PGlite (in memory)',
  skip: false,
  async open() {
    return { db: await PgliteDatabase.open(), cleanup: async () => undefined };
  },
});

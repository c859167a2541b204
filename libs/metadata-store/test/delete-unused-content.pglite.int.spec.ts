import { PgliteDatabase } from '#event-store';
import { deleteUnusedContentContract } from './delete-unused-content.contract.js';

deleteUnusedContentContract({
  name: 'PGlite (in memory)',
  skip: false,
  concurrentTransactions: false,
  async open() {
    return { db: await PgliteDatabase.open(), cleanup: async () => undefined };
  },
});

import { PgliteDatabase } from '#event-store';
import { statusProjectionContract } from './status-projection.contract.js';

statusProjectionContract({
  name: 'PGlite',
  skip: false,
  open: async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: async () => undefined };
  },
});

import { PgliteDatabase } from '#event-store';
import { staleComputersContract } from './stale-computers.contract.js';

staleComputersContract({
  name: 'PGlite',
  skip: false,
  open: async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: async () => undefined };
  },
});

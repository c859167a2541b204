import { PgliteDatabase } from '#event-store';
import { reportRetentionContract } from './report-retention.contract.js';

reportRetentionContract({
  name: 'PGlite (embedded)',
  skip: false,
  open: async () => ({ db: await PgliteDatabase.open(), cleanup: async () => undefined }),
});

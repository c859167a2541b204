import path from 'node:path';
import { PgDatabase } from './pg.database.js';
import { PgliteDatabase } from './pglite.database.js';
import type { SqlDatabase } from './sql-database.js';

export type DatabaseLocation =
  | { readonly kind: 'postgres'; readonly url: string; readonly applicationName?: string }
  | { readonly kind: 'pglite'; readonly dataDir: string | null };

export async function openDatabase(location: DatabaseLocation): Promise<SqlDatabase> {
  if (location.kind === 'postgres') {
    const db = new PgDatabase({ connectionString: location.url, applicationName: location.applicationName });
    await db.ping();
    return db;
  }
  return PgliteDatabase.open(location.dataDir ? path.join(location.dataDir, 'pglite') : undefined);
}

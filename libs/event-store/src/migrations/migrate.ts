import type { SqlDatabase } from '../sql/sql-database.js';
import type { Migration } from './migrations.js';

// Arbitrary constant: every Watershed process that migrates takes this one advisory lock, so two
// processes starting at once apply each migration exactly once.
const MIGRATION_LOCK_KEY = 7_357_001;

export class MigrationError extends Error {
  readonly code = 'STORE.MIGRATION_FAILED';
  constructor(readonly migrationId: string, cause: unknown) {
    super(`migration ${migrationId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Applies the migrations not yet applied, each in its own transaction. Returns the ids applied. */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  await db.exec(`
    CREATE TABLE IF NOT EXISTS ws_schema_migrations (
      id          text PRIMARY KEY,
      description text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`);
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const existing = await tx.query('SELECT 1 FROM ws_schema_migrations WHERE id = $1', [migration.id]);
      if (existing.rows.length > 0) return false;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new MigrationError(migration.id, error);
      }
      await tx.query('INSERT INTO ws_schema_migrations (id, description) VALUES ($1, $2)', [
        migration.id,
        migration.description,
      ]);
      return true;
    });
    if (done) applied.push(migration.id);
  }
  return applied;
}

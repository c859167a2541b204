import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SqlDatabase, SqlExecutor, SqlRows } from './sql-database.js';
import { assertChannelName } from './pg.database.js';

/**
 * PGlite's shared buffers. Its default (128 MB, PostgreSQL's) lives inside the WebAssembly memory,
 * which only ever grows: an all-in-one server that had read 128 MB of pages kept them as RSS for good,
 * on top of the compiled module. The data files are ordinary files, so the kernel's page cache still
 * holds what shared buffers no longer do; 32 MB measured ~70-115 MiB less RSS with no measurable loss
 * on inserts, index lookups and updates (docs/benchmarks/100k.md, section 8).
 */
const PGLITE_SHARED_BUFFERS = '32MB';

/**
 * The embedded store: real PostgreSQL compiled to WebAssembly, one connection, data in a folder.
 * PGlite serialises transactions itself, so concurrent callers simply queue.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly backend = 'pglite' as const;
  private closed = false;

  private constructor(private readonly db: PGlite) {}

  /** dataDir undefined → in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    // pg_trgm: the reporting read model's computer search index (reporting/0008-computer-search), as on PostgreSQL.
    const db = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      extensions: { pg_trgm },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    });
    return new PgliteDatabase(db);
  }

  async query<Row extends object>(text: string, params: readonly unknown[] = []): Promise<SqlRows<Row>> {
    const result = await this.db.query<Row>(text, params as unknown[]);
    return { rows: result.rows };
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) => {
      const tx: SqlExecutor = {
        query: async <Row extends object>(text: string, params: readonly unknown[] = []) => {
          const result = await t.query<Row>(text, params as unknown[]);
          return { rows: result.rows };
        },
        exec: async (script: string) => {
          await t.exec(script);
        },
      };
      return fn(tx);
    });
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    assertChannelName(channel);
    return this.db.listen(channel, onNotify);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}

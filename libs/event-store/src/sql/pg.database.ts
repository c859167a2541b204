import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlRows } from './sql-database.js';

export interface PgDatabaseOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
  /** Statement timeout in ms: one runaway query must not stall every reader. */
  readonly statementTimeoutMs?: number;
  /**
   * Idle-in-transaction timeout in ms. Readers only see transactions older than the oldest one still
   * open, so a transaction left open by a crashed handler would freeze the log for everyone.
   */
  readonly idleInTransactionTimeoutMs?: number;
  readonly applicationName?: string;
}

/** xid8 and bigint columns come back as strings from pg; we convert where they are read. */
export class PgDatabase implements SqlDatabase {
  readonly backend = 'postgres' as const;
  private readonly pool: pg.Pool;
  private listenClient: pg.PoolClient | null = null;
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  constructor(options: PgDatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      application_name: options.applicationName ?? 'watershed',
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
      connectionTimeoutMillis: 10_000,
    });
    // An idle pooled client that loses its server emits 'error'; without a handler Node would crash.
    this.pool.on('error', () => undefined);
  }

  async query<Row extends object>(text: string, params: readonly unknown[] = []): Promise<SqlRows<Row>> {
    const result = await this.pool.query(text, params as unknown[]);
    return { rows: result.rows as Row[] };
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = {
        query: async <Row extends object>(text: string, params: readonly unknown[] = []) => {
          const result = await client.query(text, params as unknown[]);
          return { rows: result.rows as Row[] };
        },
        exec: async (script: string) => {
          await client.query(script);
        },
      };
      const value = await fn(tx);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is unusable; drop it rather than return it to the pool
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    assertChannelName(channel);
    if (!this.listenClient) {
      this.listenClient = await this.pool.connect();
      this.listenClient.on('notification', (message) => {
        for (const listener of this.listeners.get(message.channel) ?? []) listener(message.payload ?? '');
      });
      this.listenClient.on('error', () => undefined);
    }
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.listenClient.query(`LISTEN ${channel}`);
    }
    set.add(onNotify);
    return async () => {
      set.delete(onNotify);
    };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listenClient?.release(true);
    this.listenClient = null;
    await this.pool.end();
  }
}

export function assertChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid LISTEN channel name: ${channel}`);
}

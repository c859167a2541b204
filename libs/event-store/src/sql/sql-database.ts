/**
 * The little of SQL the event store needs, implemented once for `pg` (PostgreSQL) and once for
 * PGlite. Both speak the same SQL, so every query in this lib runs unchanged on either.
 */
export interface SqlRows<Row> {
  readonly rows: Row[];
}

export interface SqlExecutor {
  query<Row extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlRows<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type SqlBackend = 'postgres' | 'pglite';

export interface SqlDatabase extends SqlExecutor {
  readonly backend: SqlBackend;
  /** Runs fn in one transaction (READ COMMITTED); commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; the returned function stops listening. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Cheap round trip for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

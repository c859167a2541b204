import type { SqlExecutor, SqlRows } from '#event-store';

/** One table a captured query's plan reads, and how. */
export interface PlannedScan {
  readonly sql: string;
  /** The plan node: 'Seq Scan', 'Index Scan', 'Bitmap Heap Scan', 'Index Only Scan'… */
  readonly nodeType: string;
  readonly relation: string;
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

/**
 * An executor that runs every query as given and also asks PostgreSQL how it planned each SELECT
 * (EXPLAIN with the same parameters), so a spec can hold a lookup by a list of ids to an index
 * instead of a scan of the whole table. Plans depend on statistics: ANALYZE the tables first.
 */
export function planCapturingExecutor(db: SqlExecutor): { executor: SqlExecutor; scans: PlannedScan[] } {
  const scans: PlannedScan[] = [];
  const executor: SqlExecutor = {
    async query<Row extends object>(text: string, params?: readonly unknown[]): Promise<SqlRows<Row>> {
      if (/^\s*(WITH|SELECT)\b/i.test(text)) {
        const explained = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
        const walk = (node: PlanNode): void => {
          if (node['Relation Name'] !== undefined) scans.push({ sql: text, nodeType: node['Node Type'], relation: node['Relation Name'] });
          for (const child of node.Plans ?? []) walk(child);
        };
        for (const plan of explained.rows[0]!['QUERY PLAN']) walk(plan.Plan);
      }
      return db.query<Row>(text, params);
    },
    exec: (script) => db.exec(script),
  };
  return { executor, scans };
}

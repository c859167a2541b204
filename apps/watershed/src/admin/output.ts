/** Human tables by default; `--json` prints the API's answer as it came, for scripts. */
export function printResult(json: boolean, value: unknown, table?: { headers: string[]; rows: string[][] }): void {
  if (json || !table) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const widths = table.headers.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(table.headers)}\n`);
  for (const row of table.rows) process.stdout.write(`${line(row)}\n`);
  if (table.rows.length === 0) process.stdout.write('(none)\n');
}

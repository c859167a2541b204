import { writeFileSync } from 'node:fs';
import { CliError, ExitCode } from '../exit-codes.js';

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

/**
 * How a report leaves the CLI: `--csv` (the server's CSV, as `?format=csv` serves it) or JSON
 * (`--json`, or a file) or a table; `--output FILE` writes the CSV or JSON to FILE instead of stdout.
 */
export interface ExportChoice {
  readonly format: 'table' | 'json' | 'csv';
  readonly file: string | undefined;
}

export function exportChoice(flags: Record<string, string | boolean | undefined>): ExportChoice {
  if (flags.csv === true && flags.json === true) throw new CliError(ExitCode.Usage, '--csv and --json exclude each other');
  const file = typeof flags.output === 'string' ? flags.output : undefined;
  if (file === '') throw new CliError(ExitCode.Usage, '--output needs a file name');
  // A table is for reading on a terminal; a file gets what a program can read back.
  return { format: flags.csv === true ? 'csv' : flags.json === true || file !== undefined ? 'json' : 'table', file };
}

/** Writes an export to its file (saying so on stderr) or to stdout. */
export function writeExport(choice: ExportChoice, text: string): void {
  if (choice.file === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(choice.file, text);
  } catch (error) {
    throw new CliError(ExitCode.Failure, `cannot write ${choice.file}: ${(error as Error).message}`);
  }
  process.stderr.write(`wrote ${choice.file}\n`);
}

import { decodeAnchor, EventSchemaRegistry, InvalidAnchorError } from '#contracts';
import { EventStore, openDatabase } from '#event-store';
import { loadConfig } from '#platform';
import { CliError, ExitCode } from '../exit-codes.js';

export async function eventsCommand(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const limit = flags.limit === undefined ? 100 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new CliError(ExitCode.Usage, '--limit must be a whole number from 1 to 10000');
  }
  let after;
  try {
    after = decodeAnchor(typeof flags.after === 'string' ? flags.after : undefined);
  } catch (error) {
    if (error instanceof InvalidAnchorError) throw new CliError(ExitCode.Usage, `--after: ${error.message}`);
    throw error;
  }
  const config = loadConfig(process.env, { dataDir: typeof flags['data-dir'] === 'string' ? flags['data-dir'] : undefined });
  const db = await openDatabase(
    config.store.kind === 'postgres' ? { kind: 'postgres', url: config.store.url } : { kind: 'pglite', dataDir: config.store.dataDir },
  ).catch((error: unknown) => {
    throw new CliError(ExitCode.Unavailable, `cannot open the store: ${(error as Error).message}`);
  });
  const store = await EventStore.open(db, { registry: new EventSchemaRegistry() });
  try {
    const page = await store.readAll(after, {
      limit,
      eventTypes: typeof flags.type === 'string' ? [flags.type] : undefined,
      streamPrefix: typeof flags['stream-prefix'] === 'string' ? flags['stream-prefix'] : undefined,
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ events: page.events, next: page.events.at(-1)?.anchor ?? (typeof flags.after === 'string' ? flags.after : '') }, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
      );
      return;
    }
    const rows = page.events.map((e) => [e.anchor, e.recordedAt.toISOString(), e.streamId, e.type, e.metadata.actor ?? '']);
    printTable(['ANCHOR', 'RECORDED', 'STREAM', 'TYPE', 'ACTOR'], rows);
  } finally {
    await store.close();
  }
}

function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(headers)}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  if (rows.length === 0) process.stdout.write('(no events)\n');
}

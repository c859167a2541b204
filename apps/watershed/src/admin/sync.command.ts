import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { exportChoice, printResult, writeExport } from './output.js';

export const SYNC_USAGE = `watershed sync history [--limit N] [--source import|upstream] [--result running|succeeded|completed-with-errors|failed]
                      [--csv] [--output FILE]

  history                            synchronization runs, newest first: when, how, result, new / revised /
                                     expired / unchanged updates, errors. Upstream (server-to-server)
                                     synchronization is not built yet: today every run is an import
                                     (one per POST /api/v1/updates/import request).
    --csv                            the history as CSV (as the API's ?format=csv serves it)
    --output FILE                    write the CSV (or JSON) to FILE instead of stdout
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed sync` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const SYNC_OPERATIONS = ['GET /api/v1/reports/synchronizations'] as const satisfies readonly AdminOperation[];
const call = adminCalls(SYNC_OPERATIONS);

interface SynchronizationRun {
  runId: string;
  source: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  startedBy: string | null;
  result: string;
  newUpdates: number;
  revisedUpdates: number;
  expiredUpdates: number;
  unchangedUpdates: number;
  errorCount: number;
  errors: { code: string; message: string }[];
  failure: { code: string; message: string | null } | null;
}

export async function syncCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action] = positionals;
  if (action !== 'history') throw new CliError(ExitCode.Usage, `unknown sync action ${JSON.stringify(action ?? '')}\n\n${SYNC_USAGE}`);
  if (flags.limit !== undefined && !/^\d+$/.test(String(flags.limit))) throw new CliError(ExitCode.Usage, '--limit must be a whole number');
  const connection = adminConnection(flags);
  const choice = exportChoice(flags);
  const query = {
    limit: typeof flags.limit === 'string' ? flags.limit : undefined,
    source: typeof flags.source === 'string' ? flags.source : undefined,
    result: typeof flags.result === 'string' ? flags.result : undefined,
  };
  if (choice.format === 'csv') {
    writeExport(choice, (await call.text(connection, 'GET /api/v1/reports/synchronizations', { query: { ...query, format: 'csv' } })).text);
    return;
  }
  const { body } = await call.json<{ synchronizations: SynchronizationRun[]; total: number }>(connection, 'GET /api/v1/reports/synchronizations', { query });
  if (choice.file !== undefined) {
    writeExport(choice, `${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  printResult(choice.format === 'json', body, {
    headers: ['STARTED', 'FINISHED', 'SOURCE', 'TRIGGER', 'RESULT', 'NEW', 'REVISED', 'EXPIRED', 'UNCHANGED', 'ERRORS', 'BY', 'FIRST ERROR'],
    rows: body.synchronizations.map((r) => [
      r.startedAt, r.finishedAt ?? '', r.source, r.trigger, r.result, String(r.newUpdates), String(r.revisedUpdates), String(r.expiredUpdates),
      String(r.unchangedUpdates), String(r.errorCount), r.startedBy ?? '',
      r.failure ? `${r.failure.code}` : (r.errors[0]?.code ?? ''),
    ]),
  });
}

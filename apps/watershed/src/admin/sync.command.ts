import { CliError, ExitCode } from '../exit-codes.js';
import { adminConnection, adminRequest } from './admin-http.client.js';
import { printResult } from './output.js';

export const SYNC_USAGE = `watershed sync history [--limit N] [--source import|upstream] [--result running|succeeded|completed-with-errors|failed]

  history                            synchronization runs, newest first: when, how, result, new / revised /
                                     expired / unchanged updates, errors. Upstream (server-to-server)
                                     synchronization is not built yet: today every run is an import
                                     (one per POST /api/v1/updates/import request).
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

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
  const query = new URLSearchParams({
    ...(typeof flags.limit === 'string' ? { limit: flags.limit } : {}),
    ...(typeof flags.source === 'string' ? { source: flags.source } : {}),
    ...(typeof flags.result === 'string' ? { result: flags.result } : {}),
  }).toString();
  const { body } = await adminRequest<{ synchronizations: SynchronizationRun[]; total: number }>(
    connection,
    'GET',
    `/api/v1/reports/synchronizations${query ? `?${query}` : ''}`,
  );
  printResult(flags.json === true, body, {
    headers: ['STARTED', 'FINISHED', 'SOURCE', 'TRIGGER', 'RESULT', 'NEW', 'REVISED', 'EXPIRED', 'UNCHANGED', 'ERRORS', 'BY', 'FIRST ERROR'],
    rows: body.synchronizations.map((r) => [
      r.startedAt, r.finishedAt ?? '', r.source, r.trigger, r.result, String(r.newUpdates), String(r.revisedUpdates), String(r.expiredUpdates),
      String(r.unchangedUpdates), String(r.errorCount), r.startedBy ?? '',
      r.failure ? `${r.failure.code}` : (r.errors[0]?.code ?? ''),
    ]),
  });
}

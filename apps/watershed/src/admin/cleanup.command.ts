import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { printResult } from './output.js';

export const CLEANUP_USAGE = `watershed cleanup run [--dry-run] | history | show RUN_ID

  run                  runs a cleanup now: expires superseded and declined updates past their retention
                       (approvals removed, declined, never offered again), removes computers that
                       stopped contacting the server, deletes client report events older than
                       reportEventDays (each computer's current status is kept) and deletes the update
                       files no live update names (and uploads no live update uses, older than the
                       superseded-update retention); --dry-run lists what would go and changes nothing. Refused (exit 5, CLEANUP.ALREADY_RUNNING) while another run is on.
  history              cleanup runs, newest first (manual and scheduled)
  show RUN_ID          one run, with the ids of the updates it expired and the content files it deleted
  The schedule and retention periods: watershed configuration set --cleanup-schedule ... (see 'help configuration').
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed cleanup` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const CLEANUP_OPERATIONS = ['POST /api/v1/cleanup/runs', 'GET /api/v1/cleanup/runs', 'GET /api/v1/cleanup/runs/{runId}'] as const satisfies readonly AdminOperation[];
const call = adminCalls(CLEANUP_OPERATIONS);

interface CleanupRun {
  id: string;
  trigger: string;
  dryRun: boolean;
  slot: string | null;
  status: string;
  startedAt: string;
  startedBy: string | null;
  finishedAt: string | null;
  counts: { expiredSupersededUpdates: number; expiredDeclinedUpdates: number; removedApprovals: number; removedComputers: number;
    prunedReportEvents?: number; deletedContentFiles?: number; deletedUploads?: number; freedContentBytes?: number };
  expiredUpdateIds: string[];
  removedComputerIds: string[];
  deletedContentPaths?: string[];
  error: string | null;
  errors: { part: string; code: string; message: string }[];
}

const HEADERS = ['RUN', 'STARTED', 'TRIGGER', 'DRY RUN', 'STATUS', 'SUPERSEDED', 'DECLINED', 'APPROVALS REMOVED', 'COMPUTERS', 'REPORT EVENTS', 'FILES DELETED', 'UPLOADS DELETED', 'BYTES FREED', 'BY', 'ERRORS'];
const row = (r: CleanupRun): string[] => [
  r.id, r.startedAt, r.trigger, r.dryRun ? 'yes' : 'no', r.status, String(r.counts.expiredSupersededUpdates), String(r.counts.expiredDeclinedUpdates),
  String(r.counts.removedApprovals), String(r.counts.removedComputers), String(r.counts.prunedReportEvents ?? 0),
  String(r.counts.deletedContentFiles ?? 0), String(r.counts.deletedUploads ?? 0), String(r.counts.freedContentBytes ?? 0), r.startedBy ?? '',
  [...(r.error ? [r.error] : []), ...r.errors.map((e) => `${e.part}: ${e.code}`)].join('; '),
];

const DETAIL_HEADERS = [...HEADERS, 'EXPIRED UPDATES', 'REMOVED COMPUTERS', 'DELETED FILES'];
const detailRow = (r: CleanupRun): string[] => [...row(r), r.expiredUpdateIds.join(','), r.removedComputerIds.join(','), (r.deletedContentPaths ?? []).join(',')];

export async function cleanupCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, argument, ...extra] = positionals;
  const json = flags.json === true;
  if (extra.length > 0 || (argument !== undefined && action !== 'show')) {
    throw new CliError(ExitCode.Usage, `unexpected ${JSON.stringify([argument, ...extra].filter(Boolean).join(' '))}\n\n${CLEANUP_USAGE}`);
  }
  if (flags['dry-run'] !== undefined && action !== 'run') throw new CliError(ExitCode.Usage, `--dry-run applies to 'cleanup run'\n\n${CLEANUP_USAGE}`);
  switch (action) {
    case 'run': {
      const { body } = await call.json<CleanupRun>(adminConnection(flags), 'POST /api/v1/cleanup/runs', { body: { dryRun: flags['dry-run'] === true } });
      printResult(json, body, { headers: DETAIL_HEADERS, rows: [detailRow(body)] });
      return;
    }
    case 'history': {
      const { body } = await call.json<{ runs: CleanupRun[]; total: number }>(adminConnection(flags), 'GET /api/v1/cleanup/runs');
      printResult(json, body, { headers: HEADERS, rows: body.runs.map(row) });
      return;
    }
    case 'show': {
      if (!argument) throw new CliError(ExitCode.Usage, `cleanup show needs a RUN_ID\n\n${CLEANUP_USAGE}`);
      const { body } = await call.json<CleanupRun>(adminConnection(flags), 'GET /api/v1/cleanup/runs/{runId}', { params: { runId: argument } });
      printResult(json, body, { headers: DETAIL_HEADERS, rows: [detailRow(body)] });
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown cleanup action ${JSON.stringify(action ?? '')}\n\n${CLEANUP_USAGE}`);
  }
}

import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, type AdminConnection, adminConnection, type AdminOperation } from './admin-http.client.js';
import { type ExportChoice, exportChoice, printResult, writeExport } from './output.js';

export const REPORTS_USAGE = `watershed reports computers|computer|update|groups [options] [--csv] [--output FILE]

  watershed reports computers [--group GROUP_ID] [--search TEXT] [--limit N] [--after CURSOR] [--all]
                    | computer COMPUTER_ID | update UPDATE_ID [--group GROUP_ID] [--by-group] | groups
                    [--csv] [--output FILE]

  computers            computers by DNS name with their installed / needed / failed / pending-reboot counts;
                       one page (--limit, default the server's; --after the cursor a page ends with), or --all pages
  computer ID          one computer: last scan and report, OS, and each update it stated a status for
  update ID            computers installed, needed, downloaded, failed, pending reboot, not applicable and
                       without status for the update (--group: of that group; --by-group: a row per group)
  groups               compliance per computer group (computers with nothing needed, failed or awaiting reboot)
  --csv                the report as CSV (as the API's ?format=csv serves it)
  --output FILE        write the CSV (or JSON) to FILE instead of stdout
  Synchronization history: watershed sync history.
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed reports` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const REPORTS_OPERATIONS = [
  'GET /api/v1/reports/computers',
  'GET /api/v1/reports/computers/{computerId}',
  'GET /api/v1/reports/updates/{updateId}',
  'GET /api/v1/reports/groups',
] as const satisfies readonly AdminOperation[];
const call = adminCalls(REPORTS_OPERATIONS);

type Flags = Record<string, string | boolean | undefined>;
type Operation = (typeof REPORTS_OPERATIONS)[number];

interface StatusCounts {
  installed: number;
  needed: number;
  downloaded: number;
  failed: number;
  installedPendingReboot: number;
  notApplicable: number;
  noStatus: number;
}

interface ComputerView {
  computerId: string;
  dnsName: string | null;
  os: { majorVersion: number | null; minorVersion: number | null; buildNumber: number | null; servicePackMajor: number | null; locale: string | null };
  manufacturer: string | null;
  model: string | null;
  clientVersion: string | null;
  clientIp: string | null;
  registeredAt: string | null;
  lastReportedAt: string | null;
  lastScanAt: string | null;
  lastScanResult: string | null;
  lastStatusReportAt: string | null;
  groupIds: string[];
}

interface ComputerList {
  computers: (ComputerView & { installed: number; needed: number; failed: number; installedPendingReboot: number })[];
  next: string | null;
  total: number;
}

interface ComputerReport {
  computer: ComputerView;
  summary: StatusCounts;
  updates: { updateId: string; title: string | null; revisionNumber: number | null; status: string; statusAt: string; eventId: number; win32HResult: number; declined: boolean }[];
}

interface UpdateReport {
  updateId: string;
  inCatalog: boolean;
  title: string | null;
  revisionNumber: number | null;
  declined: boolean;
  groupId: string | null;
  counts: StatusCounts;
  groups?: { groupId: string; counts: StatusCounts }[];
}

interface GroupCompliance {
  groupId: string;
  name: string;
  computers: number;
  compliant: number;
  withFailures: number;
  needingReboot: number;
  compliancePercent: number | null;
}

const text = (value: string | number | null | undefined): string => (value === null || value === undefined ? '' : String(value));
const str = (flags: Flags, name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
const COUNT_HEADERS = ['INSTALLED', 'NEEDED', 'DOWNLOADED', 'FAILED', 'PENDING REBOOT', 'NOT APPLICABLE', 'NO STATUS'];
const countCells = (c: StatusCounts): string[] => [c.installed, c.needed, c.downloaded, c.failed, c.installedPendingReboot, c.notApplicable, c.noStatus].map(String);

/** One report as CSV, JSON to a file, or the caller's table. */
async function report<T>(
  connection: AdminConnection,
  choice: ExportChoice,
  operation: Operation,
  call_: { params?: Record<string, string>; query?: Record<string, string | undefined> },
  show: (body: T) => void,
): Promise<void> {
  if (choice.format === 'csv') {
    writeExport(choice, (await call.text(connection, operation, { ...call_, query: { ...call_.query, format: 'csv' } })).text);
    return;
  }
  const { body } = await call.json<T>(connection, operation, call_);
  if (choice.file !== undefined) writeExport(choice, `${JSON.stringify(body, null, 2)}\n`);
  else if (choice.format === 'json') printResult(true, body);
  else show(body);
}

export async function reportsCommand(positionals: string[], flags: Flags): Promise<void> {
  const [action, argument, ...extra] = positionals;
  if (extra.length > 0) throw new CliError(ExitCode.Usage, `unexpected ${JSON.stringify(extra.join(' '))}\n\n${REPORTS_USAGE}`);
  const choice = exportChoice(flags);
  const connection = adminConnection(flags);
  const needArgument = (what: string): string => {
    if (!argument) throw new CliError(ExitCode.Usage, `reports ${action} needs ${what}\n\n${REPORTS_USAGE}`);
    return argument;
  };
  switch (action) {
    case 'computers': {
      const limit = str(flags, 'limit');
      if (limit !== undefined && !/^\d+$/.test(limit)) throw new CliError(ExitCode.Usage, `--limit must be a whole number, got ${JSON.stringify(limit)}`);
      if (flags.all === true && str(flags, 'after') !== undefined) throw new CliError(ExitCode.Usage, '--all starts at the first page: leave out --after');
      const query = { limit, after: str(flags, 'after'), groupId: str(flags, 'group'), search: str(flags, 'search') };
      if (flags.all !== true) {
        await report<ComputerList>(connection, choice, 'GET /api/v1/reports/computers', { query }, (list) => {
          printResult(false, list, computerListTable(list));
          process.stdout.write(`${list.computers.length} of ${list.total} computers${list.next ? `; next page: --after ${list.next}` : ''}\n`);
        });
        return;
      }
      await allComputers(connection, choice, query);
      return;
    }
    case 'computer': {
      const computerId = needArgument('a COMPUTER_ID');
      await report<ComputerReport>(connection, choice, 'GET /api/v1/reports/computers/{computerId}', { params: { computerId } }, (r) => {
        const c = r.computer;
        const os = c.os.majorVersion === null ? '' : `${c.os.majorVersion}.${c.os.minorVersion ?? 0}.${c.os.buildNumber ?? 0}${c.os.servicePackMajor ? ` SP${c.os.servicePackMajor}` : ''}${c.os.locale ? ` ${c.os.locale}` : ''}`;
        printResult(false, r, {
          headers: ['COMPUTER', 'VALUE'],
          rows: [
            ['id', c.computerId],
            ['DNS name', text(c.dnsName)],
            ['groups', c.groupIds.join(',')],
            ['OS', os],
            ['make / model', [c.manufacturer, c.model].filter(Boolean).join(' / ')],
            ['client version', text(c.clientVersion)],
            ['IP address', text(c.clientIp)],
            ['last scan', c.lastScanAt ? `${c.lastScanAt} (${text(c.lastScanResult)})` : ''],
            ['last status report', text(c.lastStatusReportAt)],
            ['last contact', text(c.lastReportedAt)],
          ],
        });
        process.stdout.write('\n');
        printResult(false, r, { headers: COUNT_HEADERS, rows: [countCells(r.summary)] });
        process.stdout.write('\n');
        printResult(false, r, {
          headers: ['UPDATE', 'TITLE', 'STATUS', 'AT', 'EVENT', 'HRESULT'],
          rows: r.updates.map((u) => [u.updateId, text(u.title) + (u.declined ? ' (declined)' : ''), u.status, u.statusAt, String(u.eventId), u.win32HResult === 0 ? '' : `0x${(u.win32HResult >>> 0).toString(16)}`]),
        });
      });
      return;
    }
    case 'update': {
      const updateId = needArgument('an UPDATE_ID');
      const query = { groupId: str(flags, 'group'), byGroup: flags['by-group'] === true ? 'true' : undefined };
      await report<UpdateReport>(connection, choice, 'GET /api/v1/reports/updates/{updateId}', { params: { updateId }, query }, (r) => {
        process.stdout.write(`${r.title ?? '(not in the catalog)'}${r.revisionNumber === null ? '' : `, revision ${r.revisionNumber}`}${r.declined ? ' (declined)' : ''}\n\n`);
        const rows = [{ groupId: r.groupId ?? 'all computers', counts: r.counts }, ...(r.groups ?? [])];
        printResult(false, r, { headers: ['GROUP', ...COUNT_HEADERS], rows: rows.map((g) => [g.groupId, ...countCells(g.counts)]) });
      });
      return;
    }
    case 'groups': {
      if (argument !== undefined) throw new CliError(ExitCode.Usage, `unexpected ${JSON.stringify(argument)}\n\n${REPORTS_USAGE}`);
      await report<{ groups: GroupCompliance[] }>(connection, choice, 'GET /api/v1/reports/groups', {}, (r) =>
        printResult(false, r, {
          headers: ['GROUP', 'NAME', 'COMPUTERS', 'COMPLIANT', 'WITH FAILURES', 'NEEDING REBOOT', 'COMPLIANCE'],
          rows: r.groups.map((g) => [g.groupId, g.name, String(g.computers), String(g.compliant), String(g.withFailures), String(g.needingReboot), g.compliancePercent === null ? '' : `${g.compliancePercent}%`]),
        }),
      );
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown reports action ${JSON.stringify(action ?? '')}\n\n${REPORTS_USAGE}`);
  }
}

function computerListTable(list: ComputerList): { headers: string[]; rows: string[][] } {
  return {
    headers: ['COMPUTER', 'DNS NAME', 'INSTALLED', 'NEEDED', 'FAILED', 'PENDING REBOOT', 'LAST CONTACT'],
    rows: list.computers.map((c) => [c.computerId, text(c.dnsName), String(c.installed), String(c.needed), String(c.failed), String(c.installedPendingReboot), text(c.lastReportedAt)]),
  };
}

/** Every page of the computer list, followed by its cursors: one CSV (one header) or one JSON list. */
async function allComputers(connection: AdminConnection, choice: ExportChoice, query: Record<string, string | undefined>): Promise<void> {
  if (choice.format === 'csv') {
    // A CSV page that is not the last names the next page's cursor in a header; each page after the first drops its header row.
    let csv = '';
    let after: string | undefined;
    do {
      const page = await call.text(connection, 'GET /api/v1/reports/computers', { query: { ...query, after, format: 'csv' } });
      csv += csv === '' ? page.text : page.text.slice(page.text.indexOf('\r\n') + 2);
      after = page.headers.get('x-next-cursor') ?? undefined;
    } while (after !== undefined);
    writeExport(choice, csv);
    return;
  }
  const computers: ComputerList['computers'] = [];
  let after: string | undefined;
  let total = 0;
  do {
    const { body } = await call.json<ComputerList>(connection, 'GET /api/v1/reports/computers', { query: { ...query, after } });
    computers.push(...body.computers);
    total = body.total;
    after = body.next ?? undefined;
  } while (after !== undefined);
  const all: ComputerList = { computers, next: null, total };
  if (choice.file !== undefined) writeExport(choice, `${JSON.stringify(all, null, 2)}\n`);
  else if (choice.format === 'json') printResult(true, all);
  else printResult(false, all, computerListTable(all));
}

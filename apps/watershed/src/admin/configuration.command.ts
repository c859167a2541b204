import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { printResult } from './output.js';

export const CONFIGURATION_USAGE = `watershed configuration show | set [--role R] [--upstream URL|none] [--sync manual|HH:MM] [--random-offset MIN]
                        [--rollup detailed|summary] [--products ID,...] [--classifications ID,...] [--languages en,de,...]
                        [--content-mode M] [--content-url URL|none] [--targeting-mode server-side|client-side]
                        [--page-size N] [--unapproved approved-only|detect] [--cleanup-schedule off|HH:MM]
                        [--superseded-days N] [--declined-days N] [--stale-computer-days N] [--report-event-days N]
                        [--if-match ETAG]

  show                 the server configuration and its version (MS-WSUSOD 2.5.3.1)
  set                  changes the settings given, keeps the rest; refused as a whole when invalid
    --role             root | autonomous-downstream | replica-downstream (downstream roles need --upstream)
    --upstream         http(s)://host[:port] of the upstream server; none for a root server
    --sync             manual, or the daily time HH:MM; --random-offset adds up to MIN minutes (0-720)
    --products, --classifications   category update ids to keep (empty string = all)
    --languages        language codes to keep (empty string = all)
    --content-mode     store-content | metadata-only | download-after-approval
    --content-url      http(s)://host[:port] clients download from (GetFileLocations); none = WATERSHED_PUBLIC_URL, else the request's host
    --page-size        NewUpdates per SyncUpdates page, 1-200 (default 30, as WS2025)
    --unapproved       approved-only (clients see what is approved for their groups) | detect (also unapproved updates, PreDeploymentCheck)
    --cleanup-schedule off, or the daily time HH:MM (UTC) of the cleanup run (default 03:00; see 'help cleanup')
    --superseded-days  days an update stays after a live update superseded it (default 30)
    --declined-days    days a declined update stays before it expires (default 30)
    --stale-computer-days  days without contact before a computer counts as stale (default 30)
    --report-event-days    days client report events are kept (default 90)
    --if-match         the version shown by 'show'; refused (exit 5) if the configuration changed since
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed configuration` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const CONFIGURATION_OPERATIONS = ['GET /api/v1/configuration', 'PUT /api/v1/configuration'] as const satisfies readonly AdminOperation[];
const call = adminCalls(CONFIGURATION_OPERATIONS);

interface ConfigurationView {
  role: string;
  upstreamServerUrl: string | null;
  syncSchedule: { mode: string; at?: string; randomOffsetMinutes?: number };
  rollup: string;
  productIds: string[];
  classificationIds: string[];
  languages: string[];
  contentMode: string;
  contentBaseUrl: string | null;
  scan: { pageSize: number; unapprovedPolicy: string };
  retention: { schedule: string; supersededUpdateDays: number; declinedUpdateDays: number; staleComputerDays: number; reportEventDays: number };
  targetingMode: string;
  version: number;
  changedAt: string | null;
  changedBy: string | null;
  changed?: boolean;
}

type Flags = Record<string, string | boolean | undefined>;

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);
const orNull = (value: string): string | null => (value === 'none' || value === '' ? null : value);

function table(c: ConfigurationView): { headers: string[]; rows: string[][] } {
  const schedule = c.syncSchedule.mode === 'daily' ? `daily at ${c.syncSchedule.at} (+ up to ${c.syncSchedule.randomOffsetMinutes} min)` : c.syncSchedule.mode;
  const all = (ids: string[]): string => (ids.length === 0 ? '(all)' : ids.join(','));
  return {
    headers: ['SETTING', 'VALUE'],
    rows: [
      ['role', c.role],
      ['upstream server', c.upstreamServerUrl ?? '(none)'],
      ['sync schedule', schedule],
      ['rollup', c.rollup],
      ['targeting mode', c.targetingMode],
      ['products', all(c.productIds)],
      ['classifications', all(c.classificationIds)],
      ['languages', all(c.languages)],
      ['content mode', c.contentMode],
      ['content base URL', c.contentBaseUrl ?? '(WATERSHED_PUBLIC_URL or request host)'],
      ['scan page size', String(c.scan.pageSize)],
      ['unapproved updates', c.scan.unapprovedPolicy],
      ['cleanup schedule', c.retention.schedule],
      ['superseded updates kept', `${c.retention.supersededUpdateDays} days`],
      ['declined updates kept', `${c.retention.declinedUpdateDays} days`],
      ['stale computers after', `${c.retention.staleComputerDays} days`],
      ['report events kept', `${c.retention.reportEventDays} days`],
      ['version', String(c.version)],
      ['changed', c.changedAt ? `${c.changedAt} by ${c.changedBy ?? '?'}` : '(never)'],
    ],
  };
}

/** The settings a PUT takes, from what the server showed and the flags given. */
function merged(current: ConfigurationView, flags: Flags): Record<string, unknown> {
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  let syncSchedule: Record<string, unknown> = { ...current.syncSchedule };
  const sync = str('sync');
  if (sync === 'manual') syncSchedule = { mode: 'manual' };
  else if (sync !== undefined) syncSchedule = { mode: 'daily', at: sync, randomOffsetMinutes: current.syncSchedule.randomOffsetMinutes ?? 0 };
  const offset = str('random-offset');
  if (offset !== undefined) {
    if (syncSchedule.mode !== 'daily') throw new CliError(ExitCode.Usage, '--random-offset applies to a daily schedule: give --sync HH:MM');
    if (!/^\d+$/.test(offset)) throw new CliError(ExitCode.Usage, `--random-offset must be a number of minutes, got ${JSON.stringify(offset)}`);
    syncSchedule.randomOffsetMinutes = Number(offset);
  }
  const upstream = str('upstream');
  const contentUrl = str('content-url');
  const products = str('products');
  const classifications = str('classifications');
  const languages = str('languages');
  const pageSize = str('page-size');
  // Checked here only for being a number; the range is the server's to judge (one message for CLI and API).
  if (pageSize !== undefined && !/^\d+$/.test(pageSize)) throw new CliError(ExitCode.Usage, `--page-size must be a whole number, got ${JSON.stringify(pageSize)}`);
  const retention: Record<string, unknown> = {};
  const schedule = str('cleanup-schedule');
  if (schedule !== undefined) retention.schedule = schedule === 'off' ? 'off' : `daily ${schedule}`;
  for (const [flag, field] of [
    ['superseded-days', 'supersededUpdateDays'],
    ['declined-days', 'declinedUpdateDays'],
    ['stale-computer-days', 'staleComputerDays'],
    ['report-event-days', 'reportEventDays'],
  ] as const) {
    const value = str(flag);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) throw new CliError(ExitCode.Usage, `--${flag} must be a whole number of days, got ${JSON.stringify(value)}`);
    retention[field] = Number(value);
  }
  return {
    ...(Object.keys(retention).length > 0 ? { retention } : {}),
    role: str('role') ?? current.role,
    upstreamServerUrl: upstream === undefined ? current.upstreamServerUrl : orNull(upstream),
    syncSchedule,
    rollup: str('rollup') ?? current.rollup,
    productIds: products === undefined ? current.productIds : list(products),
    classificationIds: classifications === undefined ? current.classificationIds : list(classifications),
    languages: languages === undefined ? current.languages : list(languages),
    contentMode: str('content-mode') ?? current.contentMode,
    contentBaseUrl: contentUrl === undefined ? current.contentBaseUrl : orNull(contentUrl),
    targetingMode: str('targeting-mode') ?? current.targetingMode,
    scan: {
      pageSize: pageSize === undefined ? current.scan.pageSize : Number(pageSize),
      unapprovedPolicy: str('unapproved') ?? current.scan.unapprovedPolicy,
    },
  };
}

export async function configurationCommand(positionals: string[], flags: Flags): Promise<void> {
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new CliError(ExitCode.Usage, `unexpected ${JSON.stringify(extra.join(' '))}\n\n${CONFIGURATION_USAGE}`);
  const json = flags.json === true;
  switch (action) {
    case 'show': {
      const { body } = await call.json<ConfigurationView>(adminConnection(flags), 'GET /api/v1/configuration');
      printResult(json, body, table(body));
      return;
    }
    case 'set': {
      const connection = adminConnection(flags);
      const { body: current, etag } = await call.json<ConfigurationView>(connection, 'GET /api/v1/configuration');
      const settings = merged(current, flags);
      // The version read is sent back, so a change made meanwhile by someone else is refused, not overwritten.
      const ifMatch = typeof flags['if-match'] === 'string' ? (/^(W\/)?"/.test(flags['if-match']) ? flags['if-match'] : `"${flags['if-match']}"`) : etag;
      const { body } = await call.json<ConfigurationView>(connection, 'PUT /api/v1/configuration', { body: settings, headers: ifMatch ? { 'if-match': ifMatch } : {} });
      printResult(json, body, table(body));
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown configuration action ${JSON.stringify(action ?? '')}\n\n${CONFIGURATION_USAGE}`);
  }
}

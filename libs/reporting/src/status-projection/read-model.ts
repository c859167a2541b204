import type { SqlExecutor } from '#event-store';
import type { StatusCounts } from '../domain/update-status.js';

/**
 * SQL shared by the report queries. A computer/update pair without a status row is "not applicable"
 * when the computer's last status snapshot came after the update arrived, otherwise "no status"
 * (deriveStatus in domain/computer-status.ts; tests hold the two equal).
 */
export const coveredSql = (lastStatusAt: string, arrivedAt: string): string => `coalesce(${lastStatusAt} >= ${arrivedAt}, false)`;

export const countColumnsSql = (status: string, covered: string): string => `
  count(*) FILTER (WHERE ${status} = 4)::int AS installed,
  count(*) FILTER (WHERE ${status} IN (2, 3))::int AS needed,
  count(*) FILTER (WHERE ${status} = 3)::int AS downloaded,
  count(*) FILTER (WHERE ${status} = 5)::int AS failed,
  count(*) FILTER (WHERE ${status} = 6)::int AS installed_pending_reboot,
  count(*) FILTER (WHERE ${status} = 1 OR (${status} IS NULL AND ${covered}))::int AS not_applicable,
  count(*) FILTER (WHERE ${status} = 0 OR (${status} IS NULL AND NOT ${covered}))::int AS no_status`;

export interface CountRow {
  installed: number;
  needed: number;
  downloaded: number;
  failed: number;
  installed_pending_reboot: number;
  not_applicable: number;
  no_status: number;
}

export const toCounts = (r: CountRow): StatusCounts => ({
  installed: Number(r.installed),
  needed: Number(r.needed),
  downloaded: Number(r.downloaded),
  failed: Number(r.failed),
  installedPendingReboot: Number(r.installed_pending_reboot),
  notApplicable: Number(r.not_applicable),
  noStatus: Number(r.no_status),
});

/** A computer as the reports show it. Times are ISO 8601 (UTC) or null. */
export interface ComputerView {
  readonly computerId: string;
  readonly dnsName: string | null;
  readonly os: {
    readonly majorVersion: number | null;
    readonly minorVersion: number | null;
    readonly buildNumber: number | null;
    readonly servicePackMajor: number | null;
    readonly locale: string | null;
  };
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly clientVersion: string | null;
  readonly clientIp: string | null;
  readonly registeredAt: string | null;
  /** When the server last stored an event from it. */
  readonly lastReportedAt: string | null;
  /** Its last scan (detection finished or failed, events 147/148/157/158), by its own clock. */
  readonly lastScanAt: string | null;
  readonly lastScanResult: 'succeeded' | 'failed' | null;
  /** Its last full status report (event 156). */
  readonly lastStatusReportAt: string | null;
}

export const COMPUTER_COLUMNS = `c.computer_id, c.dns_name, c.os_major_version, c.os_minor_version, c.os_build_number,
  c.os_service_pack_major, c.os_locale, c.computer_manufacturer, c.computer_model, c.client_version, c.client_ip,
  c.registered_at, c.last_reported_at, c.last_scan_at, c.last_scan_result, c.last_status_at`;

export interface ComputerRow {
  computer_id: string;
  dns_name: string | null;
  os_major_version: number | null;
  os_minor_version: number | null;
  os_build_number: number | null;
  os_service_pack_major: number | null;
  os_locale: string | null;
  computer_manufacturer: string | null;
  computer_model: string | null;
  client_version: string | null;
  client_ip: string | null;
  registered_at: Date | string | null;
  last_reported_at: Date | string | null;
  last_scan_at: Date | string | null;
  last_scan_result: string | null;
  last_status_at: Date | string | null;
}

export const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

export function toComputerView(r: ComputerRow): ComputerView {
  return {
    computerId: r.computer_id,
    dnsName: r.dns_name,
    os: {
      majorVersion: r.os_major_version,
      minorVersion: r.os_minor_version,
      buildNumber: r.os_build_number,
      servicePackMajor: r.os_service_pack_major,
      locale: r.os_locale,
    },
    manufacturer: r.computer_manufacturer,
    model: r.computer_model,
    clientVersion: r.client_version,
    clientIp: r.client_ip,
    registeredAt: isoOrNull(r.registered_at),
    lastReportedAt: isoOrNull(r.last_reported_at),
    lastScanAt: isoOrNull(r.last_scan_at),
    lastScanResult: r.last_scan_result === 'succeeded' || r.last_scan_result === 'failed' ? r.last_scan_result : null,
    lastStatusReportAt: isoOrNull(r.last_status_at),
  };
}

/** Group ids of the given computers (All Computers implicit; none = Unassigned Computers). */
export async function groupsOf(db: SqlExecutor, computerIds: readonly string[]): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>();
  if (computerIds.length === 0) return groups;
  const rows = await db.query<{ computer_id: string; group_id: string }>(
    `SELECT computer_id, group_id::text AS group_id FROM rpt_group_members
      WHERE computer_id = ANY($1::text[]) ORDER BY computer_id, group_id`,
    [[...computerIds]],
  );
  for (const r of rows.rows) groups.set(r.computer_id, [...(groups.get(r.computer_id) ?? []), r.group_id]);
  return groups;
}

import { CodedError, ReportingSubjects } from '#contracts';
import type { SqlExecutor } from '#event-store';
import { z } from 'zod';
import { statusFromCode, type StatusCounts, type UpdateStatus } from '../domain/update-status.js';
import {
  COMPUTER_COLUMNS,
  type ComputerRow,
  type ComputerView,
  type CountRow,
  countColumnsSql,
  coveredSql,
  groupsOf,
  isoOrNull,
  toComputerView,
  toCounts,
} from '../status-projection/read-model.js';

export const COMPUTER_REPORT_SUBJECT = ReportingSubjects.computer;
export const ComputerReportQuery = z.object({ computerId: z.string().min(1).max(256) });

export interface ComputerUpdateStatusView {
  readonly updateId: string;
  /** Null when the update is not in this server's catalog. */
  readonly title: string | null;
  readonly revisionNumber: number | null;
  readonly status: UpdateStatus;
  readonly statusAt: string;
  /** The client EventID the status came from (156 for a status snapshot). */
  readonly eventId: number;
  readonly win32HResult: number;
  readonly declined: boolean;
}

export interface ComputerReport {
  readonly computer: ComputerView & { readonly groupIds: readonly string[] };
  /**
   * Over the catalog's non-declined software and driver updates: every one is counted once, as
   * stated by the client, not applicable, or no status.
   */
  readonly summary: StatusCounts;
  /** Every update the client stated a status for (installed, needed, failed, pending reboot…). */
  readonly updates: readonly ComputerUpdateStatusView[];
}

/** One computer and its update statuses: three indexed reads, whatever the catalog's size. */
export async function readComputerReport(db: SqlExecutor, computerId: string): Promise<ComputerReport> {
  const row = (await db.query<ComputerRow>(`SELECT ${COMPUTER_COLUMNS} FROM rpt_computers c WHERE c.computer_id = $1`, [computerId])).rows[0];
  if (!row) throw new CodedError('COMPUTER.NOT_FOUND', `no computer ${computerId} has registered or reported`);
  const computer = toComputerView(row);
  const summary = (
    await db.query<CountRow>(
      `SELECT ${countColumnsSql('s.status', coveredSql('$2::timestamptz', 'u.arrived_at'))}
         FROM rpt_updates u
         LEFT JOIN rpt_update_status s ON s.computer_id = $1 AND s.update_id = u.update_id
        WHERE NOT u.declined AND u.update_type IN ('Software', 'Driver')`,
      [computerId, computer.lastStatusReportAt],
    )
  ).rows[0]!;
  const updates = await db.query<{
    update_id: string;
    title: string | null;
    revision_number: number | null;
    status: number;
    status_at: Date | string;
    event_id: number;
    win32_hresult: number;
    declined: boolean | null;
  }>(
    `SELECT s.update_id::text AS update_id, u.title, s.revision_number, s.status, s.status_at, s.event_id,
            s.win32_hresult, u.declined
       FROM rpt_update_status s LEFT JOIN rpt_updates u ON u.update_id = s.update_id
      WHERE s.computer_id = $1
      ORDER BY s.update_id`,
    [computerId],
  );
  return {
    computer: { ...computer, groupIds: (await groupsOf(db, [computerId])).get(computerId) ?? [] },
    summary: toCounts(summary),
    updates: updates.rows.map((u) => ({
      updateId: u.update_id,
      title: u.title,
      revisionNumber: u.revision_number,
      status: statusFromCode(u.status),
      statusAt: isoOrNull(u.status_at)!,
      eventId: u.event_id,
      win32HResult: u.win32_hresult,
      declined: u.declined ?? false,
    })),
  };
}

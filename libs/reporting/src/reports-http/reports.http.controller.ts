import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { z } from 'zod';
import { SYNCHRONIZATION_SOURCES } from '#contracts';
import type { EventStore } from '#event-store';
import { AdminApi, ApiOperation, EVENT_STORE, parseAdminInput } from '#platform';
import { ComputerListQuery, readComputerList } from '../computer-list/computer-list.query.js';
import { ComputerReportQuery, readComputerReport } from '../computer-report/computer-report.query.js';
import { readUpdateStatusReport, UpdateStatusReportQuery } from '../update-status-report/update-status-report.query.js';
import { readGroupCompliance } from '../group-compliance/group-compliance.query.js';
import { readSynchronizationHistory, SYNCHRONIZATION_RESULTS, SynchronizationHistoryQuery } from '../synchronization-history/synchronization-history.query.js';
import { SynchronizationHistoryRunner } from '../synchronization-history/synchronization-history.runner.js';
import { toCsv } from './csv.js';

interface Reply {
  header(name: string, value: string): Reply;
}

const format = z.enum(['json', 'csv']).optional();
const updateReportQuery = z.strictObject({ groupId: z.string().optional(), byGroup: z.enum(['true', 'false']).optional(), format });
const computerReportQuery = z.strictObject({ format });
const computerListQuery = z.strictObject({
  limit: z.string().regex(/^\d+$/, 'must be a whole number').optional(),
  after: z.string().optional(),
  groupId: z.string().optional(),
  search: z.string().optional(),
  format,
});
/** On a CSV page of the computer list that is not the last: the `after` of the next page. */
const NEXT_CURSOR_HEADER = 'x-next-cursor';
/** How long the history waits for just-committed runs to become readable before answering with what is. */
const SYNCHRONIZATION_VISIBILITY_WAIT_MS = 2_000;
const synchronizationsQuery = z.strictObject({
  limit: z.string().regex(/^\d+$/, 'must be a whole number').optional(),
  source: z.enum(SYNCHRONIZATION_SOURCES).optional(),
  result: z.enum(SYNCHRONIZATION_RESULTS).optional(),
  format,
});

/**
 * Reports (MS-WSUSOD 2.5.3.4) for administrators, served from the status projection: per update,
 * per computer, and the computer list; JSON by default, CSV with `?format=csv`.
 */
@AdminApi()
@Controller('api/v1/reports')
export class ReportsHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SynchronizationHistoryRunner) private readonly synchronizationHistory: SynchronizationHistoryRunner,
  ) {}

  @ApiOperation({
    summary:
      'Synchronization history, newest first: each run\'s source (import; upstream once server-to-server sync exists), trigger, times, result, ' +
      'new / revised / expired / unchanged updates and errors',
    query: synchronizationsQuery,
  })
  @Get('synchronizations')
  async synchronizations(@Query() raw: unknown, @Res({ passthrough: true }) reply: Reply): Promise<unknown> {
    const q = parseAdminInput(synchronizationsQuery, raw, 'query');
    const input = parseAdminInput(
      SynchronizationHistoryQuery,
      { ...(q.limit ? { limit: Number(q.limit) } : {}), ...(q.source ? { source: q.source } : {}), ...(q.result ? { result: q.result } : {}) },
      'query',
    );
    // A run that just ended is in the log: show it (read-your-writes for the admin who imported). Bounded, so a
    // transaction left open elsewhere on the cluster delays the report a little and never fails it.
    await this.store.waitForVisibility(SYNCHRONIZATION_VISIBILITY_WAIT_MS).catch(() => undefined);
    await this.synchronizationHistory.runner.catchUp();
    const history = await readSynchronizationHistory(this.store.db, input);
    if (q.format !== 'csv') return history;
    return csv(
      reply,
      'synchronizations.csv',
      ['runId', 'source', 'trigger', 'startedAt', 'finishedAt', 'result', 'newUpdates', 'revisedUpdates', 'expiredUpdates', 'unchangedUpdates', 'errorCount', 'firstError', 'startedBy'],
      history.synchronizations.map((r) => [
        r.runId, r.source, r.trigger, r.startedAt, r.finishedAt, r.result, r.newUpdates, r.revisedUpdates, r.expiredUpdates, r.unchangedUpdates, r.errorCount,
        r.failure ? `${r.failure.code}: ${r.failure.message ?? ''}` : r.errors[0] ? `${r.errors[0].code}: ${r.errors[0].message}` : '', r.startedBy,
      ]),
    );
  }


  @ApiOperation({ summary: 'Per update: computers installed, needed, failed, pending reboot, not applicable, no status (optionally per group)', query: updateReportQuery })
  @Get('updates/:updateId')
  async update(@Param('updateId') updateId: string, @Query() raw: unknown, @Res({ passthrough: true }) reply: Reply): Promise<unknown> {
    const q = parseAdminInput(updateReportQuery, raw, 'query');
    const input = parseAdminInput(UpdateStatusReportQuery, { updateId, ...(q.groupId ? { groupId: q.groupId } : {}), byGroup: q.byGroup === 'true' }, 'report');
    const report = await readUpdateStatusReport(this.store.db, input);
    if (q.format !== 'csv') return report;
    const rows = [{ groupId: report.groupId ?? 'all', counts: report.counts }, ...(report.groups ?? [])].map((g) => [
      report.updateId, report.title, g.groupId, g.counts.installed, g.counts.needed, g.counts.downloaded, g.counts.failed, g.counts.installedPendingReboot, g.counts.notApplicable, g.counts.noStatus,
    ]);
    return csv(reply, `update-${report.updateId}.csv`, ['updateId', 'title', 'group', 'installed', 'needed', 'downloaded', 'failed', 'installedPendingReboot', 'notApplicable', 'noStatus'], rows);
  }

  @ApiOperation({ summary: 'Per computer: its last scan, last report, OS and each update it stated a status for', query: computerReportQuery })
  @Get('computers/:computerId')
  async computer(@Param('computerId') computerId: string, @Query() raw: unknown, @Res({ passthrough: true }) reply: Reply): Promise<unknown> {
    const q = parseAdminInput(computerReportQuery, raw, 'query');
    const { computerId: id } = parseAdminInput(ComputerReportQuery, { computerId: computerId.toLowerCase() }, 'computer');
    const report = await this.store.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return readComputerReport(tx, id);
    });
    if (q.format !== 'csv') return report;
    return csv(
      reply,
      `computer-${id}.csv`,
      ['computerId', 'dnsName', 'updateId', 'title', 'status', 'eventId', 'win32HResult', 'statusAt'],
      report.updates.map((u) => [id, report.computer.dnsName, u.updateId, u.title, u.status, u.eventId, u.win32HResult, u.statusAt]),
    );
  }

  @ApiOperation({ summary: 'Per computer group: computers, compliant computers (nothing needed, failed or awaiting reboot) and the compliance percentage', query: computerReportQuery })
  @Get('groups')
  async groups(@Query() raw: unknown, @Res({ passthrough: true }) reply: Reply): Promise<unknown> {
    const q = parseAdminInput(computerReportQuery, raw, 'query');
    const groups = await readGroupCompliance(this.store.db);
    if (q.format !== 'csv') return { groups };
    return csv(
      reply,
      'group-compliance.csv',
      ['groupId', 'name', 'computers', 'compliant', 'withFailures', 'needingReboot', 'compliancePercent'],
      groups.map((g) => [g.groupId, g.name, g.computers, g.compliant, g.withFailures, g.needingReboot, g.compliancePercent]),
    );
  }

  @ApiOperation({
    summary: 'Computers, paged by DNS name, with their installed / needed / failed / pending-reboot counts (a CSV page that is not the last has the next page\'s cursor in X-Next-Cursor)',
    query: computerListQuery,
  })
  @Get('computers')
  async computers(@Query() raw: unknown, @Res({ passthrough: true }) reply: Reply): Promise<unknown> {
    const q = parseAdminInput(computerListQuery, raw, 'query');
    const input = parseAdminInput(
      ComputerListQuery,
      { ...(q.limit ? { limit: Number(q.limit) } : {}), ...(q.after ? { after: q.after } : {}), ...(q.groupId ? { groupId: q.groupId } : {}), ...(q.search ? { search: q.search } : {}) },
      'query',
    );
    const list = await readComputerList(this.store.db, input);
    if (q.format !== 'csv') return list;
    // CSV has no place for the cursor: the header carries it, so a CSV export can page (watershed reports computers --all --csv).
    if (list.next !== null) reply.header(NEXT_CURSOR_HEADER, list.next);
    return csv(
      reply,
      'computers.csv',
      ['computerId', 'dnsName', 'installed', 'needed', 'failed', 'installedPendingReboot', 'lastReportedAt'],
      list.computers.map((c) => [c.computerId, c.dnsName, c.installed, c.needed, c.failed, c.installedPendingReboot, c.lastReportedAt]),
    );
  }
}

function csv(reply: Reply, fileName: string, headers: string[], rows: unknown[][]): string {
  reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}"`);
  return toCsv(headers, rows);
}

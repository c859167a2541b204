import { ALL_COMPUTERS_GROUP_ID, CodedError, ErrorCodes, normalizeGuid, UNASSIGNED_COMPUTERS_GROUP_ID, ReportingSubjects } from '#contracts';
import type { SqlExecutor } from '#event-store';
import { z } from 'zod';
import { COMPUTER_COLUMNS, type ComputerRow, type ComputerView, groupsOf, toComputerView } from '../status-projection/read-model.js';

export const COMPUTER_LIST_SUBJECT = ReportingSubjects.computers;

/** A page an admin screen or a CSV export streams through; the cap bounds one reply's size. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export const ComputerListQuery = z.object({
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  /** The `next` of the previous page. */
  after: z.string().max(2000).optional(),
  groupId: z
    .string()
    .transform(normalizeGuid)
    .pipe(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a GUID'))
    .optional(),
  /** Case-insensitive substring of the DNS name or computer id. */
  search: z.string().min(1).max(255).optional(),
});
export type ComputerListInput = z.infer<typeof ComputerListQuery>;

export interface ComputerListItem extends ComputerView {
  readonly groupIds: readonly string[];
  /** Updates the computer stated as installed / needed / failed / pending reboot. */
  readonly installed: number;
  readonly needed: number;
  readonly failed: number;
  readonly installedPendingReboot: number;
}

export interface ComputerList {
  readonly computers: readonly ComputerListItem[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: string | null;
  /** Computers matching the filters, across all pages. */
  readonly total: number;
}

/** The per-computer counters the status projection keeps (migration reporting/0005-computer-counts). */
interface CounterColumns {
  installed_count: number;
  needed_count: number;
  failed_count: number;
  pending_reboot_count: number;
}

const encodeCursor = (name: string, id: string): string => Buffer.from(JSON.stringify([name, id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new CodedError(ErrorCodes.ValidationFailed, 'after: not a cursor this server handed out');
}

/** Keyset paging by (DNS name, computer id) over an index: page N costs what page 1 costs. */
export async function readComputerList(db: SqlExecutor, query: ComputerListInput): Promise<ComputerList> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const params: unknown[] = [];
  const filters: string[] = [];
  if (query.groupId === UNASSIGNED_COMPUTERS_GROUP_ID) {
    params.push(UNASSIGNED_COMPUTERS_GROUP_ID);
    filters.push(`NOT EXISTS (SELECT 1 FROM rpt_group_members m WHERE m.computer_id = c.computer_id AND m.group_id <> $${params.length})`);
  } else if (query.groupId !== undefined && query.groupId !== ALL_COMPUTERS_GROUP_ID) {
    params.push(query.groupId);
    filters.push(`EXISTS (SELECT 1 FROM rpt_group_members m WHERE m.computer_id = c.computer_id AND m.group_id = $${params.length})`);
  }
  if (query.search !== undefined) {
    params.push(`%${query.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    filters.push(`(c.dns_name ILIKE $${params.length} OR c.computer_id ILIKE $${params.length})`);
  }
  const where = (extra: string[]): string => (extra.length > 0 ? `WHERE ${extra.join(' AND ')}` : '');
  const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rpt_computers c ${where(filters)}`, params)).rows[0]!.n;

  const pageParams = [...params];
  const pageFilters = [...filters];
  if (query.after !== undefined) {
    const [name, id] = decodeCursor(query.after);
    pageParams.push(name, id);
    pageFilters.push(`(coalesce(c.dns_name, ''), c.computer_id) > ($${pageParams.length - 1}, $${pageParams.length})`);
  }
  pageParams.push(limit + 1);
  const rows = (
    await db.query<ComputerRow & CounterColumns>(
      `SELECT ${COMPUTER_COLUMNS}, c.installed_count, c.needed_count, c.failed_count, c.pending_reboot_count
         FROM rpt_computers c ${where(pageFilters)}
        ORDER BY coalesce(c.dns_name, ''), c.computer_id LIMIT $${pageParams.length}`,
      pageParams,
    )
  ).rows;
  const page = rows.slice(0, limit);
  const ids = page.map((r) => r.computer_id);
  const groups = await groupsOf(db, ids);
  const last = page[page.length - 1];
  return {
    computers: page.map((r) => {
      return {
        ...toComputerView(r),
        groupIds: groups.get(r.computer_id) ?? [],
        installed: r.installed_count,
        needed: r.needed_count,
        failed: r.failed_count,
        installedPendingReboot: r.pending_reboot_count,
      };
    }),
    next: rows.length > limit && last ? encodeCursor(last.dns_name ?? '', last.computer_id) : null,
    total,
  };
}

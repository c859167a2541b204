/**
 * What the server knows about one update on one computer. The numeric codes are those of the
 * MS-WSUSSS "Update Status Table" (wsusss.md §3, ADM), which RollupComputerStatus also carries
 * upstream, so a rollup can send them unchanged.
 */
export const UPDATE_STATUS_CODES = {
  unknown: 0,
  'not-applicable': 1,
  needed: 2,
  downloaded: 3,
  installed: 4,
  failed: 5,
  'installed-pending-reboot': 6,
} as const;

export type UpdateStatus = keyof typeof UPDATE_STATUS_CODES;
/** Statuses a client event can state explicitly; not-applicable and unknown are derived (see derive-status.ts). */
export type ReportedStatus = Exclude<UpdateStatus, 'unknown' | 'not-applicable'>;

const BY_CODE = new Map<number, UpdateStatus>(
  Object.entries(UPDATE_STATUS_CODES).map(([name, code]) => [code, name as UpdateStatus]),
);

export function statusFromCode(code: number): UpdateStatus {
  return BY_CODE.get(code) ?? 'unknown';
}

/** Counts as a report shows them. "needed" includes downloaded-but-not-installed, as in WSUS. */
export interface StatusCounts {
  readonly installed: number;
  readonly needed: number;
  /** Of `needed`: already downloaded, not yet installed. */
  readonly downloaded: number;
  readonly failed: number;
  readonly installedPendingReboot: number;
  readonly notApplicable: number;
  readonly noStatus: number;
}

export const EMPTY_COUNTS: StatusCounts = {
  installed: 0,
  needed: 0,
  downloaded: 0,
  failed: 0,
  installedPendingReboot: 0,
  notApplicable: 0,
  noStatus: 0,
};

export function countStatuses(statuses: Iterable<UpdateStatus>): StatusCounts {
  const c = { ...EMPTY_COUNTS };
  for (const s of statuses) {
    if (s === 'installed') c.installed += 1;
    else if (s === 'needed') c.needed += 1;
    else if (s === 'downloaded') {
      c.needed += 1;
      c.downloaded += 1;
    } else if (s === 'failed') c.failed += 1;
    else if (s === 'installed-pending-reboot') c.installedPendingReboot += 1;
    else if (s === 'not-applicable') c.notApplicable += 1;
    else c.noStatus += 1;
  }
  return c;
}

import type { ReportedStatus } from './update-status.js';

/**
 * What each MS-WUSP client EventID means for reports. Source: the EventID table of MS-WUSP
 * §2.2.2.3.1 / §3.1.5.11 (digest: specs/wusp.md §11.1), the MiscData tags of the same section, and
 * the MS-WSUSSS Update Status Table (wsusss.md §3) for the status values. The spec leaves all
 * processing to the server ("implementation-specific"); where a row says "ours" it is our reading.
 *
 * | EventID | Name                                   | Effect                                           | Source |
 * |---------|----------------------------------------|--------------------------------------------------|--------|
 * | 147     | AGENT_DETECTION_FINISHED               | last scan = time, succeeded                      | spec: "scan succeeded" |
 * | 148     | AGENT_DETECTION_FAILED                 | last scan = time, failed                         | spec: "scan failed" |
 * | 157     | AGENT_DETECTION_INIT_FAILED            | last scan = time, failed                         | spec |
 * | 158     | AGENT_DETECTION_SERVICE_REG_FAILED     | last scan = time, failed                         | spec |
 * | 141,145,146,150 | detection started/retry/canceled/QoS | none (stored only)                         | spec: no outcome |
 * | 156     | AGENT_STATUS_30                        | status snapshot from MiscData (see below)        | spec: "status of all updates" |
 * | 153     | AGENT_STATUS (protocol 2.0)            | status snapshot, same tags                       | spec (deprecated), ours to read alike |
 * | 161     | AGENT_DOWNLOAD_FAILED                  | failed                                           | spec; WSUS status 5 "failed to download" |
 * | 162,164 | AGENT_DOWNLOAD_SUCCEEDED(_FROM_PEER)   | downloaded                                       | spec; WSUS status 3 |
 * | 163,165–170 | download canceled/paused/resumed/started/queued/heartbeat/progress | none | ours: no outcome |
 * | 181     | AGENT_INSTALLING_STARTED               | none                                             | ours: no outcome |
 * | 182     | AGENT_INSTALLING_FAILED                | failed                                           | spec; WSUS status 5 |
 * | 183     | AGENT_INSTALLING_SUCCEEDED             | installed                                        | spec; WSUS status 4 |
 * | 184     | AGENT_INSTALL_COMPLETE_WITH_REBOOT     | installed-pending-reboot                         | spec; WSUS status 6 |
 * | 186     | AGENT_INSTALL_CANCEL                   | none (still needed)                              | ours |
 * | 187     | AGENT_INSTALL_KILLED                   | failed                                           | ours: terminated = did not install |
 * | 188,189 | AU_(UN)SCHEDULED_INSTALL_READY         | downloaded, when an UpdateID is given            | spec (deprecated): "downloaded and ready" |
 * | 190,197 | AU_SCHEDULED/SHUTDOWN_INSTALL_SUCCESS  | installed                                        | spec |
 * | 191,199 | …INSTALL_COMPLETE_WITH_REBOOT          | installed-pending-reboot                         | spec |
 * | 192,200 | AU_SCHEDULED/SHUTDOWN_INSTALL_KILLED   | failed                                           | ours, as 187 |
 * | 193,194 | AU_(UN)SCHEDULED_REBOOT_REQUIRED       | installed-pending-reboot, when an UpdateID is given | spec (deprecated) |
 * | 195,198 | AU_SCHEDULED/SHUTDOWN_INSTALL_FAILED   | failed                                           | spec |
 * | 203,204 | AGENT_INSTALLING_FAILED_POST_REBOOT    | failed                                           | spec |
 * | 202     | AU_REBOOT_COMPLETED                    | computer rebooted: earlier pending-reboot → installed | ours: the reboot the status waited for |
 * | 221     | AGENT_UNINSTALLING_FAILED              | failed                                           | spec; WSUS 5 covers failed uninstall |
 * | 222,224 | AGENT_UNINSTALLING_SUCCEEDED(_WITH_REBOOT) | needed (not installed any more)              | ours: WSUS shows "not installed" until the next scan |
 * | 223     | AGENT_UNINSTALL_CANCEL                 | none                                             | ours |
 * | 225     | AGENT_UNINSTALL_KILLED                 | failed                                           | ours, as 187 |
 * | 521,524 | AGENT_COMMIT_STARTED/CANCEL            | none                                             | ours |
 * | 522,525 | AGENT_COMMIT_FAILED/KILLED             | failed                                           | ours |
 * | 523     | AGENT_COMMIT_SUCCEEDED                 | installed                                        | ours: commit completes a staged install |
 * | 541,545 | AGENT_REVERT_FAILED/KILLED             | failed                                           | ours |
 * | 542,544 | AGENT_REVERT_SUCCEEDED(_WITH_REBOOT)   | needed                                           | ours: reverted = not installed |
 * | 543,546 | AGENT_REVERT_CANCEL/STARTED            | none                                             | ours |
 * | 185,196 | AGENT_INSTALL_HIDE/UNHIDE              | none                                             | spec: UI only |
 * | 149,154,201 | deprecated/misc                    | none                                             | spec |
 * | other   | (not in the table)                     | none (stored only)                               | spec: "SHOULD be one of" |
 *
 * Status snapshot (156/153) MiscData tags (spec: "Status events"): U = installable (needed),
 * V = installed, W = installed pending reboot, g = failed, h = downloaded. An update found in more
 * than one list takes the first of g, W, V, h, U (ours: a failure is what an admin must see; a
 * pending reboot is a more recent fact than "installed"). Updates in none of the lists are not
 * applicable to the computer at the snapshot's time (see computer-status.ts).
 *
 * Events with NamespaceID ≠ 1 are stored but have no effect: the spec says the server MAY ignore them.
 */
export type EventEffect =
  | { readonly kind: 'status'; readonly status: ReportedStatus; readonly requiresUpdateId: true }
  | { readonly kind: 'snapshot' }
  | { readonly kind: 'scan'; readonly result: 'succeeded' | 'failed' }
  | { readonly kind: 'reboot-completed' }
  | { readonly kind: 'none' };

const status = (s: ReportedStatus): EventEffect => ({ kind: 'status', status: s, requiresUpdateId: true });
const NONE: EventEffect = { kind: 'none' };

export const CLIENT_EVENT_EFFECTS: ReadonlyMap<number, EventEffect> = new Map<number, EventEffect>([
  [147, { kind: 'scan', result: 'succeeded' }],
  [148, { kind: 'scan', result: 'failed' }],
  [157, { kind: 'scan', result: 'failed' }],
  [158, { kind: 'scan', result: 'failed' }],
  [153, { kind: 'snapshot' }],
  [156, { kind: 'snapshot' }],
  [161, status('failed')],
  [162, status('downloaded')],
  [164, status('downloaded')],
  [182, status('failed')],
  [183, status('installed')],
  [184, status('installed-pending-reboot')],
  [187, status('failed')],
  [188, status('downloaded')],
  [189, status('downloaded')],
  [190, status('installed')],
  [191, status('installed-pending-reboot')],
  [192, status('failed')],
  [193, status('installed-pending-reboot')],
  [194, status('installed-pending-reboot')],
  [195, status('failed')],
  [197, status('installed')],
  [198, status('failed')],
  [199, status('installed-pending-reboot')],
  [200, status('failed')],
  [202, { kind: 'reboot-completed' }],
  [203, status('failed')],
  [204, status('failed')],
  [221, status('failed')],
  [222, status('needed')],
  [224, status('needed')],
  [225, status('failed')],
  [522, status('failed')],
  [523, status('installed')],
  [525, status('failed')],
  [541, status('failed')],
  [542, status('needed')],
  [544, status('needed')],
  [545, status('failed')],
]);

/** The only NamespaceID the spec defines (MUST be 1). */
export const WUSP_EVENT_NAMESPACE = 1;

export function effectOfEvent(eventId: number, namespaceId: number): EventEffect {
  if (namespaceId !== WUSP_EVENT_NAMESPACE) return NONE;
  return CLIENT_EVENT_EFFECTS.get(eventId) ?? NONE;
}

/** Snapshot list tags, in precedence order when an update appears in several. */
export const SNAPSHOT_TAGS: readonly (readonly [tag: string, status: ReportedStatus])[] = [
  ['g', 'failed'],
  ['W', 'installed-pending-reboot'],
  ['V', 'installed'],
  ['h', 'downloaded'],
  ['U', 'needed'],
];

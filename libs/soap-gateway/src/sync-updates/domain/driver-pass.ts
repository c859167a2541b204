import type { SyncUpdateParameters } from '#wsus-codecs';
import { driverMatchContext, type DriverSelection, isPrinterDriverRow, selectDrivers } from '../../scan-index/domain/driver-matching.js';
import type { ScanIndexView } from '../../scan-index/domain/scan-index.view.js';
import type { RevisionEntry } from '../../scan-index/domain/scan-index.state.js';
import { compareScopeOrder, type ScanScope, scanScopeOf, type ScopeEntry } from '../../scan-index/domain/scan-scope.js';

/**
 * NeededRevisions of the driver pass (MS-WUSP §3.1.5.7 3c): of the approved drivers in the client's
 * scope, those that are the best match for one of the SystemSpec's devices and better than what it
 * has installed (driver-matching.ts), plus Uninstall approvals of drivers a device reports in its
 * DriverRecoveryIDs. `hardwareIds` is each revision's Deployment.HardwareIds.
 */
export interface DriverPassSelection {
  readonly scope: ScanScope;
  readonly hardwareIds: ReadonlyMap<number, readonly string[]>;
}

/**
 * Drivers that take part in matching: approved for Install, OptionalInstall or PreDeploymentCheck.
 * Block is left out rather than sent as PreDeploymentCheck, so a blocked driver never hides the
 * next-best one; Uninstall is not an offer to install (see recovery below).
 */
const matchable = (entry: ScopeEntry): boolean =>
  entry.kind === 'approved' && entry.approval !== undefined && entry.approval.action !== 'Block' && entry.approval.action !== 'Uninstall';

/**
 * The matchable entries of a scope by update id. Scopes are memoized per catalog version and group
 * set (ScanIndexView.scope), so every driver pass of the same groups shares this map instead of
 * rebuilding it over the whole driver scope per call; a scope is immutable, so the memo is too.
 */
const matchableByScope = new WeakMap<ScanScope, ReadonlyMap<string, ScopeEntry>>();

function matchableByUpdateId(scope: ScanScope): ReadonlyMap<string, ScopeEntry> {
  let inScope = matchableByScope.get(scope);
  if (inScope === undefined) {
    const map = new Map<string, ScopeEntry>();
    for (const entry of scope.ordered) if (matchable(entry)) map.set(entry.revision.updateId, entry);
    matchableByScope.set(scope, map);
    inScope = map;
  }
  return inScope;
}

/**
 * Driver selections by scope and by what the client said about its hardware. The choice depends on
 * nothing else: the scope's matchable drivers (a scope is immutable, and the index's hardware-id
 * lookup only moves with an import, which makes new scopes) and the devices, computer hardware ids
 * and feature-score key of the call. A rescan repeats the same SystemSpec, and machines of one model
 * send the same one, so the best-of-every-version comparison (which grows with the driver catalog)
 * runs once per scope and hardware instead of once per call.
 */
const selectionsByScope = new WeakMap<ScanScope, Map<string, DriverSelection>>();
/** Distinct hardware descriptions kept per scope; past it the memo starts over (a fleet of ever-new hardware). */
const MAX_SELECTIONS_PER_SCOPE = 4_096;

function memoizedSelection(scope: ScanScope, parameters: SyncUpdateParameters, select: () => DriverSelection): DriverSelection {
  // An installed driver's version is a bigint, which JSON cannot write on its own.
  const key = JSON.stringify([parameters.systemSpec ?? [], parameters.computerSpec?.hardwareIds ?? [], parameters.featureScoreMatchingKey ?? null], (_, value: unknown) =>
    typeof value === 'bigint' ? `${value}n` : value,
  );
  let selections = selectionsByScope.get(scope);
  if (selections === undefined) selectionsByScope.set(scope, (selections = new Map()));
  let selection = selections.get(key);
  if (selection === undefined) {
    if (selections.size >= MAX_SELECTIONS_PER_SCOPE) selections.clear();
    selection = select();
    selections.set(key, selection);
  }
  return selection;
}

export function selectDriverPass(view: ScanIndexView, scope: ScanScope, parameters: SyncUpdateParameters): DriverPassSelection {
  const devices = parameters.systemSpec ?? [];
  const hardwareIds = new Map(
    memoizedSelection(scope, parameters, () => {
      const inScope = matchableByUpdateId(scope);
      const candidatesFor = (hardwareId: string): RevisionEntry[] => {
        const revisions: RevisionEntry[] = [];
        for (const updateId of view.driverUpdatesForHardwareId(hardwareId)) {
          const entry = inScope.get(updateId);
          if (entry !== undefined) revisions.push(entry.revision);
        }
        return revisions;
      };
      return selectDrivers(devices, driverMatchContext(parameters.computerSpec?.hardwareIds, parameters.featureScoreMatchingKey), candidatesFor);
    }),
  );

  // DriverRecoveryIDs name updates Windows Update installed on the device: only those can be
  // uninstalled through an Uninstall approval (MS-WUSP <19>).
  const recoverable = new Set<string>();
  for (const device of devices) for (const id of device.driverRecoveryIds ?? []) recoverable.add(id.trim().replace(/^\{|\}$/g, '').toLowerCase());
  const keep = new Set<number>(hardwareIds.keys());
  // Most devices name no recovery id: then no walk of the whole driver scope per call.
  if (recoverable.size > 0) {
    for (const entry of scope.ordered) {
      if (entry.approval?.action === 'Uninstall' && recoverable.has(entry.revision.updateId)) keep.add(entry.revision.revisionId);
    }
  }
  return { scope: restrictScope(scope, keep), hardwareIds };
}

/**
 * SyncPrinterCatalog's NeededRevisions (§3.1.5.12): approved drivers of class Printer(s). The
 * request names no devices, so there is no installed driver to beat; Deployment.HardwareIds lists
 * the revision's printer hardware ids.
 */
export function selectPrinterCatalog(scope: ScanScope): DriverPassSelection {
  const hardwareIds = new Map<number, readonly string[]>();
  for (const entry of scope.ordered) {
    if (!matchable(entry)) continue;
    const printers = entry.revision.drivers.filter(isPrinterDriverRow);
    if (printers.length > 0) hardwareIds.set(entry.revision.revisionId, [...new Set(printers.map((r) => r.hardwareIdAsWritten))]);
  }
  return { scope: restrictScope(scope, new Set(hardwareIds.keys())), hardwareIds };
}

/**
 * The part of a scope whose revision ids are in `keep`, in the scope's order. Built from `keep` (a
 * device's few best matches), not by filtering the scope: the driver scope grows with the catalog.
 */
export function restrictScope(scope: ScanScope, keep: ReadonlySet<number>): ScanScope {
  const ordered: ScopeEntry[] = [];
  for (const revisionId of keep) {
    const entry = scope.byRevisionId.get(revisionId);
    if (entry !== undefined) ordered.push(entry);
  }
  ordered.sort(compareScopeOrder);
  return scanScopeOf(ordered);
}

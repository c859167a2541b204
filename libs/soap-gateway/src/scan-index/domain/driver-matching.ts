import type { Device, InstalledDriver } from '#wsus-codecs';
import type { IndexedDriverRow, RevisionEntry } from './scan-index.state.js';

/**
 * Driver matching for the SyncUpdates driver pass (MS-WUSP §3.1.5.7 step 3c, wusp.md §7.5): for each
 * device of the SystemSpec, the best driver-table row among the in-scope driver revisions, offered
 * only when it is a better match than the installed driver, and for an installed printer only when
 * it has the printer's Provider and Manufacturer. Pure: the index supplies the candidate revisions.
 */

/** What the client says about itself beyond the devices (SyncUpdateParameters). */
export interface DriverMatchContext {
  /** ComputerSpec/HardwareIDs (computer hardware ids, CHIDs), most specific first, lower-case. */
  readonly computerHardwareIds: readonly string[];
  /** FeatureScoreMatchingKey ("AMD64.10.0"), lower-cased; undefined when not sent. */
  readonly featureScoreKey: string | undefined;
}

/**
 * The five "better match" criteria of MS-WUSP §3.1.5.7, in the order they are applied. Ranks are
 * positions (lower = better; `Infinity` = no match on that criterion).
 */
export interface DriverMatchKey {
  /** 1. Position of the matching computer hardware id in ComputerSpec; Infinity when not CHID-targeted. */
  readonly computerHardwareIdRank: number;
  /** 2. FeatureScore for the client's OS (0-255, lower is better). */
  readonly featureScore: number;
  /** 3. Position of the matched id in the device's HardwareIDs then CompatibleIDs. */
  readonly hardwareIdRank: number;
  /** 4. DriverVerDate, yyyy-MM-dd (later is better). */
  readonly driverVerDate: string;
  /** 5. DriverVerVersion packed in 64 bits (higher is better). */
  readonly driverVerVersion: bigint;
}

/** A FeatureScore row missing for the client's OS ranks as the worst score (MS-WUSP: 0-255, lower is better). */
export const MISSING_FEATURE_SCORE = 255;

/**
 * > 0 when `a` is the better match, < 0 when `b` is, 0 when the five rules cannot tell them apart.
 * Rules apply in order; the first that differs decides (§3.1.5.7 "apply pairwise").
 */
export function compareDriverMatches(a: DriverMatchKey, b: DriverMatchKey): number {
  if (a.computerHardwareIdRank !== b.computerHardwareIdRank) return a.computerHardwareIdRank < b.computerHardwareIdRank ? 1 : -1;
  if (a.featureScore !== b.featureScore) return a.featureScore < b.featureScore ? 1 : -1;
  if (a.hardwareIdRank !== b.hardwareIdRank) return a.hardwareIdRank < b.hardwareIdRank ? 1 : -1;
  if (a.driverVerDate !== b.driverVerDate) return a.driverVerDate > b.driverVerDate ? 1 : -1;
  if (a.driverVerVersion !== b.driverVerVersion) return a.driverVerVersion > b.driverVerVersion ? 1 : -1;
  return 0;
}

export interface DriverCandidate {
  readonly revision: RevisionEntry;
  readonly row: IndexedDriverRow;
  readonly key: DriverMatchKey;
}

/**
 * Candidates tied on all five rules: the more recent WHQL submission (WhqlDriverID, "higher =
 * submitted more recently", §3.1.1), then the lower RevisionID, so one device always gets one answer.
 */
function compareCandidates(a: DriverCandidate, b: DriverCandidate): number {
  const byRules = compareDriverMatches(a.key, b.key);
  if (byRules !== 0) return byRules;
  const wa = a.row.whqlDriverId ?? -1;
  const wb = b.row.whqlDriverId ?? -1;
  if (wa !== wb) return wa > wb ? 1 : -1;
  return b.revision.revisionId - a.revision.revisionId;
}

/** Lower-cased HardwareIDs then CompatibleIDs: the device's ids from most to least specific. */
export function deviceIds(device: Device): string[] {
  return [...(device.hardwareIds ?? []), ...(device.compatibleIds ?? [])].map((id) => id.trim().toLowerCase());
}

const isPrinterClass = (value: string | undefined): boolean => {
  const c = (value ?? '').trim().toLowerCase();
  // Installed drivers say "Printer" (fixture 09); the SUS classification in update XML is "Printers" (WindowsDriver.xsd).
  return c === 'printer' || c === 'printers';
};

/** A row is a printer driver when its SUS class is Printer(s): SyncPrinterCatalog serves only those. */
export const isPrinterDriverRow = (row: IndexedDriverRow): boolean => isPrinterClass(row.class);

/** An installed driver counts only when it matched something (native clients send version 0 and no MatchingID for "none"). */
export function hasInstalledDriver(driver: InstalledDriver | undefined): driver is InstalledDriver {
  return driver?.matchingId !== undefined && driver.matchingId.trim() !== '';
}

/**
 * The installed driver as a match key. Its feature score is the GG byte of the Windows driver rank
 * (0xSSGGTHHH; "-1" = no rank → worst), its CHID rank the position of MatchingComputerHWID.
 */
export function installedDriverKey(device: Device, driver: InstalledDriver, context: DriverMatchContext): DriverMatchKey {
  const ids = deviceIds(device);
  const matching = driver.matchingId?.trim().toLowerCase();
  const hardwareIdRank = matching === undefined ? -1 : ids.indexOf(matching);
  const chid = driver.matchingComputerHwid?.toLowerCase();
  const chidRank = chid === undefined ? -1 : context.computerHardwareIds.indexOf(chid);
  return {
    computerHardwareIdRank: chidRank < 0 ? Infinity : chidRank,
    featureScore: driver.driverRank >= 0 ? (driver.driverRank >>> 16) & 0xff : MISSING_FEATURE_SCORE,
    hardwareIdRank: hardwareIdRank < 0 ? Infinity : hardwareIdRank,
    driverVerDate: driver.driverVerDate.slice(0, 10),
    driverVerVersion: driver.driverVerVersion,
  };
}

/**
 * The row's key for one device, or undefined when the row does not apply: its HardwareID is not one
 * of the device's ids, or it is CHID-targeted (Distribution or Target ComputerHardwareIds) and none of
 * its CHIDs is the client's.
 */
export function rowKey(row: IndexedDriverRow, ids: readonly string[], context: DriverMatchContext): DriverMatchKey | undefined {
  const hardwareIdRank = ids.indexOf(row.hardwareId);
  if (hardwareIdRank < 0) return undefined;
  let chidRank = Infinity;
  for (const list of [row.distributionComputerHardwareIds, row.targetComputerHardwareIds]) {
    if (list.length === 0) continue;
    let best = Infinity;
    for (const chid of list) {
      const at = context.computerHardwareIds.indexOf(chid);
      if (at >= 0 && at < best) best = at;
    }
    if (best === Infinity) return undefined;
    chidRank = Math.min(chidRank, best);
  }
  const score = context.featureScoreKey === undefined ? undefined : row.featureScores.get(context.featureScoreKey);
  return {
    computerHardwareIdRank: chidRank,
    featureScore: score ?? MISSING_FEATURE_SCORE,
    hardwareIdRank,
    driverVerDate: row.driverVerDate,
    driverVerVersion: row.driverVerVersion,
  };
}

/**
 * Printer rule (§3.1.5.7 3c, WindowsDriver.xsd CompatibleProvider): a driver replaces an installed
 * printer driver only from the same Provider (or one the row lists as compatible) and Manufacturer.
 */
export function matchesInstalledPrinter(row: IndexedDriverRow, installed: InstalledDriver): boolean {
  const same = (a: string | undefined, b: string | undefined): boolean => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
  const providerOk = same(row.provider, installed.provider) || row.compatibleProviders.some((p) => same(p, installed.provider));
  return providerOk && same(row.manufacturer, installed.manufacturer);
}

/** The best candidate for one device, and whether it beats the installed driver. */
export interface DeviceDriverChoice {
  readonly best: DriverCandidate;
  readonly offered: boolean;
}

/**
 * The best in-scope driver for one device (rules applied pairwise, loser discarded), or undefined
 * when none applies. `candidatesFor(id)` yields the in-scope driver revisions with a row for that
 * lower-cased hardware id. `offered` is false when the device's installed driver is as good or
 * better; rows failing the printer rule are not candidates at all.
 */
export function chooseDriverForDevice(
  device: Device,
  context: DriverMatchContext,
  candidatesFor: (hardwareId: string) => Iterable<RevisionEntry>,
): DeviceDriverChoice | undefined {
  const ids = deviceIds(device);
  const installed = hasInstalledDriver(device.installedDriver) ? device.installedDriver : undefined;
  const printer = installed !== undefined && isPrinterClass(installed.class);
  let best: DriverCandidate | undefined;
  const seen = new Set<number>();
  for (const id of new Set(ids)) {
    for (const revision of candidatesFor(id)) {
      if (seen.has(revision.revisionId)) continue;
      seen.add(revision.revisionId);
      for (const row of revision.drivers) {
        if (printer && !matchesInstalledPrinter(row, installed)) continue;
        const key = rowKey(row, ids, context);
        if (key === undefined) continue;
        const candidate: DriverCandidate = { revision, row, key };
        if (best === undefined || compareCandidates(candidate, best) > 0) best = candidate;
      }
    }
  }
  if (best === undefined) return undefined;
  const offered = installed === undefined || compareDriverMatches(best.key, installedDriverKey(device, installed, context)) > 0;
  return { best, offered };
}

/** Per offered revision, the driver HardwareIDs (as written) selected as a device's best match: Deployment.HardwareIds. */
export type DriverSelection = ReadonlyMap<number, readonly string[]>;

/**
 * The driver pass's NeededRevisions filter: every revision that is the offered best match of at
 * least one device, with the HardwareIDs that made it so.
 */
export function selectDrivers(
  devices: readonly Device[],
  context: DriverMatchContext,
  candidatesFor: (hardwareId: string) => Iterable<RevisionEntry>,
): DriverSelection {
  const selected = new Map<number, Set<string>>();
  for (const device of devices) {
    const choice = chooseDriverForDevice(device, context, candidatesFor);
    if (choice === undefined || !choice.offered) continue;
    const { revision, row } = choice.best;
    let ids = selected.get(revision.revisionId);
    if (ids === undefined) selected.set(revision.revisionId, (ids = new Set()));
    ids.add(row.hardwareIdAsWritten);
  }
  return new Map([...selected].map(([revisionId, ids]) => [revisionId, [...ids]]));
}

/** The match context from SyncUpdateParameters. */
export function driverMatchContext(computerHardwareIds: readonly string[] | undefined, featureScoreMatchingKey: string | undefined): DriverMatchContext {
  const key = featureScoreMatchingKey?.trim().toLowerCase();
  return {
    computerHardwareIds: (computerHardwareIds ?? []).map((id) => id.toLowerCase()),
    featureScoreKey: key === undefined || key === '' ? undefined : key,
  };
}

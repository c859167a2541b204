/** One computer's last software-pass answer without NewUpdates: at which index version, for which request. */
interface SettledScan {
  /** The index version the answer was computed at: what the anchor it carried maps back to (ScanIndexView.versionAt). */
  readonly version: number;
  /** scanRequestHash of the request it answered. */
  readonly requestHash: number;
  /** The answer was empty in every list (no OutOfScope, no ChangedUpdates either). */
  readonly quiet: boolean;
}

/**
 * Enough for a large site's computers; past it the memo starts over (each computer's next rescan
 * walks NewUpdates once and is remembered again). ~100 bytes an entry.
 */
const DEFAULT_CAPACITY = 200_000;

/**
 * The computers whose last full software scan ended with nothing new to offer (MS-WUSP §3.1.5.7: no
 * NewUpdates, not truncated), and for what. When such a computer rescans from that answer's anchor
 * with the same groups and the same cached and installed ids, and nothing that can move a scope
 * changed since (no catalog change for its groups, no membership or global change), NewUpdates is
 * empty again and the walk over its candidates can be skipped: the scope, the prerequisite index and
 * the request are the ones that gave an empty answer. That walk is most of a steady rescan's query
 * for a computer caching only its products' share of a 100k catalog (docs/benchmarks/100k.md §10).
 *
 * When the answer was empty in every list and the index has not moved at all since, the same request
 * gets the same empty answer without a look at each id it sends (isQuiet): at 100k revisions a
 * client sends ~830 ids, and looking each up in maps of 100k entries was most of the query's own time.
 *
 * Kept per gateway process, in memory: a miss (another replica, a restart) only means the walk is
 * done, as it always was. Never consulted for a category scan or the driver pass.
 */
export class SettledScans {
  private readonly byComputer = new Map<string, SettledScan>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Whether this computer's last answer, at `version`, was empty for a request of this hash. */
  isSettled(computerId: string, version: number, requestHash: number): boolean {
    const settled = this.byComputer.get(computerId);
    return settled !== undefined && settled.version === version && settled.requestHash === requestHash;
  }

  /**
   * Whether this computer's last answer, at `version`, was empty in every list for a request of this
   * hash. Asked with the index's current version: the same index and the same request give the same
   * answer, so it is empty again (syncUpdates' quiet rescan).
   */
  isQuiet(computerId: string, version: number, requestHash: number): boolean {
    const settled = this.byComputer.get(computerId);
    return settled !== undefined && settled.quiet && settled.version === version && settled.requestHash === requestHash;
  }

  settle(computerId: string, version: number, requestHash: number, quiet = false): void {
    if (this.byComputer.size >= this.capacity && !this.byComputer.has(computerId)) this.byComputer.clear();
    this.byComputer.set(computerId, { version, requestHash, quiet });
  }

  forget(computerId: string): void {
    this.byComputer.delete(computerId);
  }

  get size(): number {
    return this.byComputer.size;
  }
}

/**
 * A 53-bit hash of what decides a software pass's NewUpdates besides the scope: the computer's groups
 * and the ids it sent, in order (WUA sends its cache in a stable order; another order is only a
 * miss). Two independent 32-bit FNV-1a lanes, so a false match is ~2^-53 per call.
 */
export function scanRequestHash(groupIds: readonly string[], installedNonLeaf: readonly number[], otherCached: readonly number[]): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  const mix = (value: number): void => {
    a = Math.imul(a ^ (value & 0xffff), 0x01000193);
    a = Math.imul(a ^ (value >>> 16), 0x01000193);
    b = Math.imul(b ^ value, 0x5bd1e995);
    b ^= b >>> 15;
  };
  for (const groupId of groupIds) {
    for (let i = 0; i < groupId.length; i += 1) mix(groupId.charCodeAt(i));
    mix(0x2c);
  }
  mix(installedNonLeaf.length);
  // Ids are whole numbers from the decoder (xs:int); `| 0` keeps a stray non-integer from widening the lanes.
  for (const id of installedNonLeaf) mix(id | 0);
  mix(otherCached.length);
  for (const id of otherCached) mix(id | 0);
  return (a >>> 0) * 2 ** 21 + ((b >>> 0) >>> 11);
}

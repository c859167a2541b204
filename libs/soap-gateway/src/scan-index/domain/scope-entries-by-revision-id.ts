/**
 * A few approvals' entries over the previous scope's, until they are this share of it: then one
 * flat map again. Keeps a derived scope's cost near its changes while lookups stay at most two.
 */
const FLATTEN_AT_SHARE = 1 / 16;

/** Below this many entries `has` asks the maps: a bit set would cost more to make than it saves. */
const BIT_SET_MIN_SIZE = 256;

/**
 * A scope's entries by revision id (generic over the entry only so that scan-scope.ts, which uses
 * it, is not imported back). A scope derived after approvals (deriveScanScope) shares its
 * predecessor's map and keeps its additions in a small overlay: copying a map of the whole scope
 * (tens of thousands of entries at 100k revisions) for every derived scope was most of the first
 * rescan round's work after approvals, and its garbage.
 *
 * `has` answers from a bit set over revision ids once the scope is large: a rescan asks it for each
 * of the ~1,000 ids a client caches, and at 100k revisions a lookup in a map of tens of thousands
 * of entries misses the processor's caches where a bit set of the catalog (12 KiB) does not.
 */
export class ScopeEntriesByRevisionId<E extends { readonly revision: { readonly revisionId: number } }> {
  private constructor(
    private readonly base: ReadonlyMap<number, E>,
    /** Entries added or replaced since `base` was made; null when there are none. */
    private readonly overlay: ReadonlyMap<number, E> | null,
    /** How many revision ids have an entry (base and overlay together). */
    readonly size: number,
    /** Bit `id` set for every revision id with an entry; made on the first `has` of a large scope. */
    private members: Uint32Array | null = null,
  ) {}

  static of<E extends { readonly revision: { readonly revisionId: number } }>(entries: readonly E[]): ScopeEntriesByRevisionId<E> {
    const map = new Map<number, E>();
    for (const entry of entries) map.set(entry.revision.revisionId, entry);
    return new ScopeEntriesByRevisionId(map, null, map.size);
  }

  get(revisionId: number): E | undefined {
    return this.overlay?.get(revisionId) ?? this.base.get(revisionId);
  }

  has(revisionId: number): boolean {
    if (this.size < BIT_SET_MIN_SIZE) return this.overlay?.has(revisionId) === true || this.base.has(revisionId);
    const members = (this.members ??= this.memberBits());
    // Anything but a revision id the set covers (negative, fractional, past the largest) has no entry.
    if (!(revisionId >= 0 && revisionId < members.length * 32) || (revisionId | 0) !== revisionId) return false;
    return (members[revisionId >>> 5]! & (1 << (revisionId & 31))) !== 0;
  }

  private memberBits(): Uint32Array {
    let largest = 0;
    for (const revisionId of this.base.keys()) largest = Math.max(largest, revisionId);
    for (const revisionId of this.overlay?.keys() ?? []) largest = Math.max(largest, revisionId);
    const members = new Uint32Array((largest >>> 5) + 1);
    for (const revisionId of this.base.keys()) members[revisionId >>> 5]! |= 1 << (revisionId & 31);
    for (const revisionId of this.overlay?.keys() ?? []) members[revisionId >>> 5]! |= 1 << (revisionId & 31);
    return members;
  }

  /** These entries with `entries` added, each replacing the entry of its revision id if there is one. This one is unchanged. */
  with(entries: readonly E[]): ScopeEntriesByRevisionId<E> {
    const overlay = new Map(this.overlay ?? []);
    let size = this.size;
    for (const entry of entries) {
      const revisionId = entry.revision.revisionId;
      if (!this.has(revisionId) && !overlay.has(revisionId)) size += 1;
      overlay.set(revisionId, entry);
    }
    // The predecessor's bit set, if made, with the additions: not a pass over the whole scope again.
    const members = this.members === null ? null : withMembers(this.members, entries);
    if (overlay.size <= this.base.size * FLATTEN_AT_SHARE) return new ScopeEntriesByRevisionId(this.base, overlay, size, members);
    const flat = new Map(this.base);
    for (const [revisionId, entry] of overlay) flat.set(revisionId, entry);
    return new ScopeEntriesByRevisionId(flat, null, size, members);
  }
}

function withMembers(members: Uint32Array, entries: readonly { readonly revision: { readonly revisionId: number } }[]): Uint32Array {
  let largest = members.length * 32 - 1;
  for (const entry of entries) largest = Math.max(largest, entry.revision.revisionId);
  const copy = new Uint32Array((largest >>> 5) + 1);
  copy.set(members);
  for (const entry of entries) copy[entry.revision.revisionId >>> 5]! |= 1 << (entry.revision.revisionId & 31);
  return copy;
}

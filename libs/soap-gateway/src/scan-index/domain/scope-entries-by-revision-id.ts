/**
 * A few approvals' entries over the previous scope's, until they are this share of it: then one
 * flat map again. Keeps a derived scope's cost near its changes while lookups stay at most two.
 */
const FLATTEN_AT_SHARE = 1 / 16;

/**
 * A scope's entries by revision id (generic over the entry only so that scan-scope.ts, which uses
 * it, is not imported back). A scope derived after approvals (deriveScanScope) shares its
 * predecessor's map and keeps its additions in a small overlay: copying a map of the whole scope
 * (tens of thousands of entries at 100k revisions) for every derived scope was most of the first
 * rescan round's work after approvals, and its garbage.
 */
export class ScopeEntriesByRevisionId<E extends { readonly revision: { readonly revisionId: number } }> {
  private constructor(
    private readonly base: ReadonlyMap<number, E>,
    /** Entries added or replaced since `base` was made; null when there are none. */
    private readonly overlay: ReadonlyMap<number, E> | null,
    /** How many revision ids have an entry (base and overlay together). */
    readonly size: number,
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
    return this.overlay?.has(revisionId) === true || this.base.has(revisionId);
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
    if (overlay.size <= this.base.size * FLATTEN_AT_SHARE) return new ScopeEntriesByRevisionId(this.base, overlay, size);
    const flat = new Map(this.base);
    for (const [revisionId, entry] of overlay) flat.set(revisionId, entry);
    return new ScopeEntriesByRevisionId(flat, null, size);
  }
}

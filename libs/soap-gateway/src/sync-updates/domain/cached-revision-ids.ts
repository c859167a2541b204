/**
 * The revision ids one SyncUpdates call's client says it caches, as a set that is reused from call to
 * call instead of built: a rescan sends its whole cache (~1,000 ids) on every call, and a `Set` of them
 * costs more than the rest of the steady-state answer together (its growth, and the garbage it
 * leaves). Ids are marked in an array indexed by revision id with the current call's generation, so
 * starting the next call's set is one increment.
 *
 * Revision ids are the store's small sequential numbers, so the array is as long as the largest
 * id the scan index holds that a client has sent; an id the index does not hold (garbage, or a revision
 * of another server) never grows it and goes to a small fallback set instead.
 *
 * One instance serves one call at a time: `syncUpdates` is synchronous, so a call's set is never
 * seen by another call.
 */
/** 64 MiB of marks at most: past it (a store with tens of millions of revisions) ids go to the fallback set. */
const MAX_MARKED_ID = 1 << 24;

export class CachedRevisionIds {
  private marks = new Uint32Array(1024);
  private readonly outside = new Set<number>();

  private generation = 0;

  /** `lastGeneration` other than the largest Uint32 only to test the wrap-around in a few calls. */
  constructor(private readonly lastGeneration = 0xffff_ffff) {}

  /** Empties the set for a new call. */
  begin(): void {
    this.generation += 1;
    // Once in four billion calls: every mark of an earlier generation must read as absent again.
    if (this.generation === this.lastGeneration) {
      this.marks.fill(0);
      this.generation = 1;
    }
    this.outside.clear();
  }

  /**
   * Adds an id; false when the call already sent it. `indexed` tells whether the scan index holds a
   * revision with this id: only those may grow the marks.
   */
  add(id: number, indexed: (id: number) => boolean): boolean {
    if (this.has(id)) return false;
    if (this.inRange(id)) this.marks[id] = this.generation;
    else if (Number.isInteger(id) && id >= 0 && id < MAX_MARKED_ID && indexed(id)) {
      this.grow(id);
      this.marks[id] = this.generation;
    } else this.outside.add(id);
    return true;
  }

  has(id: number): boolean {
    // An id set aside before the marks grew past it stays in `outside` for the rest of the call.
    return (this.inRange(id) && this.marks[id] === this.generation) || (this.outside.size > 0 && this.outside.has(id));
  }

  private inRange(id: number): boolean {
    return id >= 0 && id < this.marks.length && Number.isInteger(id);
  }

  private grow(id: number): void {
    let length = this.marks.length;
    while (length <= id) length *= 2;
    const marks = new Uint32Array(length);
    marks.set(this.marks);
    this.marks = marks;
  }
}

import { Direct2Writer, direct2WorstCaseBytes } from './direct2.writer.js';
import {
  LZ77_MAX_MATCH_BYTES,
  LZ77_MIN_MATCH_BYTES,
  LZ77_WINDOW_BYTES,
  XPRESS_MAX_BLOCK_BYTES,
} from './xpress.constants.js';

/** 2^15 hash buckets: few collisions for a 64 KiB block, and a 64 KiB table that is cheap to clear. */
const HASH_BITS = 15;
const HASH_BUCKETS = 1 << HASH_BITS;

/**
 * How many earlier positions with the same 3-byte hash we try before settling. Measured on a
 * 2 MB SyncUpdates-shaped body: 256 would save 0.6% of the output for 12% of the speed, 8 would
 * lose 0.8% for 15% more speed.
 */
const MAX_CHAIN_DEPTH = 24;

/** A match this long is good enough: stop searching the chain (the usual zlib "nice length"). */
const NICE_MATCH_BYTES = 192;

/**
 * Lazy matching (look one byte ahead for a longer match before committing) pays off for short
 * matches only; a match this long is taken at once. Measured as above: lazy matching saves 0.8%
 * of the output for about 20% of the speed; raising the cutoff further gains almost nothing.
 */
const LAZY_MATCH_CUTOFF = 32;

/**
 * The LZ77 half of CompressOrDecompressWin2k3 (§2.1.1.1.1) for one block: a hash-chain search
 * for the longest match within the 8192-byte window, with one-step lazy evaluation, feeding the
 * DIRECT2 serialiser (§2.1.1.1.2).
 *
 * Each block is compressed on its own (§2.1.1: "Each block MUST then be compressed … using
 * CompressOrDecompressWin2k3"), so the window never reaches into an earlier block. Instances keep
 * their tables between calls to avoid re-allocating them per block; encode() is synchronous, so
 * one instance can serve every caller of a process.
 */
export class XpressBlockEncoder {
  /** 1 + the latest block position whose next 3 bytes hash to the bucket; 0 = none. */
  private readonly head = new Uint16Array(HASH_BUCKETS);
  /** previous[p] = 1 + the position before p in p's hash chain; 0 = end of chain. */
  private readonly previous = new Uint16Array(XPRESS_MAX_BLOCK_BYTES);
  private readonly writer = new Direct2Writer();
  private readonly output = new Uint8Array(direct2WorstCaseBytes(XPRESS_MAX_BLOCK_BYTES));
  private block: Uint8Array = new Uint8Array(0);
  /** Every position below this one is already in the hash chains. */
  private nextToInsert = 0;
  private foundLength = 0;
  private foundDistance = 0;

  /**
   * Compresses one block (at most 65535 bytes). The result is a view into this encoder's buffer,
   * valid until the next call: copy it out before encoding again.
   */
  encode(block: Uint8Array): Uint8Array {
    if (block.length > XPRESS_MAX_BLOCK_BYTES) {
      throw new RangeError(`an Xpress block holds at most ${XPRESS_MAX_BLOCK_BYTES} bytes, got ${block.length}`);
    }
    this.block = block;
    this.head.fill(0);
    this.nextToInsert = 0;
    this.writer.begin(this.output);

    const end = block.length;
    let position = 0;
    while (position < end) {
      this.findLongestMatch(position);
      let length = this.foundLength;
      let distance = this.foundDistance;
      if (length < LZ77_MIN_MATCH_BYTES) {
        this.writer.literal(block[position] ?? 0);
        position++;
        continue;
      }
      while (length < LAZY_MATCH_CUTOFF && position + 1 < end) {
        this.findLongestMatch(position + 1);
        if (this.foundLength <= length) break;
        this.writer.literal(block[position] ?? 0);
        position++;
        length = this.foundLength;
        distance = this.foundDistance;
      }
      this.writer.match(distance, length);
      position += length;
      this.insertUpTo(position);
    }
    return this.output.subarray(0, this.writer.finish());
  }

  /**
   * Sets foundLength/foundDistance to the longest match for `position` (0 when none of at least
   * 3 bytes), then adds `position` to its hash chain. Positions must be visited in order.
   */
  private findLongestMatch(position: number): void {
    const block = this.block;
    this.foundLength = 0;
    if (position + LZ77_MIN_MATCH_BYTES > block.length) return;

    const bucket = this.hashAt(position);
    let candidate = (this.head[bucket] ?? 0) - 1;
    this.previous[position] = this.head[bucket] ?? 0;
    this.head[bucket] = position + 1;
    this.nextToInsert = position + 1;

    const maxLength = Math.min(block.length - position, LZ77_MAX_MATCH_BYTES);
    const oldestReachable = position - LZ77_WINDOW_BYTES;
    let bestLength = LZ77_MIN_MATCH_BYTES - 1;
    let bestDistance = 0;
    let depth = MAX_CHAIN_DEPTH;
    while (candidate >= 0 && candidate >= oldestReachable && depth-- > 0) {
      // Cheap reject: a longer match must at least agree on the byte that would extend the best.
      if (block[candidate + bestLength] === block[position + bestLength]) {
        let length = 0;
        while (length < maxLength && block[candidate + length] === block[position + length]) length++;
        if (length > bestLength) {
          bestLength = length;
          bestDistance = position - candidate;
          if (length >= NICE_MATCH_BYTES || length === maxLength) break;
        }
      }
      candidate = (this.previous[candidate] ?? 0) - 1;
    }
    if (bestDistance > 0) {
      this.foundLength = bestLength;
      this.foundDistance = bestDistance;
    }
  }

  /** Adds the positions a match skipped over, so later data can match into them. */
  private insertUpTo(end: number): void {
    const lastHashable = this.block.length - LZ77_MIN_MATCH_BYTES;
    for (let position = this.nextToInsert; position < end && position <= lastHashable; position++) {
      const bucket = this.hashAt(position);
      this.previous[position] = this.head[bucket] ?? 0;
      this.head[bucket] = position + 1;
    }
    this.nextToInsert = end;
  }

  /** Multiplicative hash of the 3 bytes at `position` (the minimum match), top HASH_BITS bits. */
  private hashAt(position: number): number {
    const block = this.block;
    const bytes = (block[position] ?? 0) | ((block[position + 1] ?? 0) << 8) | ((block[position + 2] ?? 0) << 16);
    return Math.imul(bytes, 0x9e37_79b1) >>> (32 - HASH_BITS);
  }
}

/**
 * CompressOrDecompressWin2k3 with comp = TRUE (§2.1.1.1): one block of at most 65535 bytes in,
 * its LZ77 + DIRECT2 stream out, with no block header. Bodies on the wire use compressXpress().
 */
export function compressXpressBlock(block: Uint8Array): Buffer {
  return Buffer.from(new XpressBlockEncoder().encode(block));
}

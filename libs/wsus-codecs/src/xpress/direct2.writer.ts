import {
  DIRECT2_BYTE_ESCAPE,
  DIRECT2_ELEMENTS_PER_FLAG_WORD,
  DIRECT2_FLAG_WORD_BYTES,
  DIRECT2_INLINE_LENGTH_LIMIT,
  DIRECT2_LENGTH_ESCAPE,
  DIRECT2_NIBBLE_ESCAPE,
  LZ77_MIN_MATCH_BYTES,
} from './xpress.constants.js';

/**
 * Worst-case DIRECT2 size of a block of `length` bytes: every byte a literal, plus one 4-byte
 * bitmask per 32 elements and the extra bitmask the end bit may need (§2.1.1.1.2). A match never
 * costs more bytes than the literals it replaces (3 bytes → at most 3, 280+ bytes → 6).
 */
export function direct2WorstCaseBytes(length: number): number {
  return length + DIRECT2_FLAG_WORD_BYTES * (Math.floor(length / DIRECT2_ELEMENTS_PER_FLAG_WORD) + 1);
}

/**
 * Serialises LZ77 elements (literals and matches) into one DIRECT2 stream, §2.1.1.1.2.
 *
 * Layout decisions the spec leaves implicit, taken from the Windows implementation family it
 * describes (MS-XCA "plain LZ77", the same Win2k3 codec): bitmasks and 16-bit metadata are
 * little-endian, bitmask bits are consumed most-significant first (the spec's 0x01000000 example
 * marks the 8th element), and the bits after the end bit are filled with 1s. Streams written
 * this way were checked to decode with Samba's independent lzxpress implementation.
 */
export class Direct2Writer {
  private output: Uint8Array = new Uint8Array(0);
  private position = 0;
  /** Where the bitmask now being filled will be written once its 32 bits are known. */
  private flagWordPosition = 0;
  private flags = 0;
  private flagCount = 0;
  /**
   * Position of a length byte whose high nibble is still free (§2.1.1.1.2: "The high-order nibble
   * is 'reserved' for the next metadata instance when the length is greater than nine"), or -1.
   */
  private sharedNibblePosition = -1;

  /** Starts a new stream at offset 0 of `output`, which must hold direct2WorstCaseBytes(input). */
  begin(output: Uint8Array): void {
    this.output = output;
    this.flagWordPosition = 0;
    this.position = DIRECT2_FLAG_WORD_BYTES;
    this.flags = 0;
    this.flagCount = 0;
    this.sharedNibblePosition = -1;
  }

  literal(byte: number): void {
    this.output[this.position++] = byte;
    this.pushFlag(0);
  }

  /** A match of `length` bytes starting `distance` bytes back (1..8192). */
  match(distance: number, length: number): void {
    // §2.1.1.1.2 "Metadata Offset": the high 13 bits are the one's complement of the (negative)
    // offset, i.e. distance − 1; the low 3 bits start the length.
    const offsetBits = (distance - 1) << 3;
    if (length < DIRECT2_INLINE_LENGTH_LIMIT) {
      this.writeUint16(offsetBits | (length - LZ77_MIN_MATCH_BYTES));
    } else {
      this.writeUint16(offsetBits | DIRECT2_LENGTH_ESCAPE);
      this.writeExtendedLength(length);
    }
    this.pushFlag(1);
  }

  /**
   * Writes the end bit and the pending bitmask; returns the stream's length. §2.1.1.1.2: "The
   * final end bit is always necessary, even if an additional bitmask has to be allocated": when
   * the last bitmask is full, begin() or pushFlag() has already reserved the next one.
   */
  finish(): number {
    const freeBits = DIRECT2_ELEMENTS_PER_FLAG_WORD - this.flagCount;
    const endWord =
      freeBits === DIRECT2_ELEMENTS_PER_FLAG_WORD
        ? 0xffff_ffff
        : ((this.flags << freeBits) | ((1 << freeBits) - 1)) >>> 0;
    this.writeUint32At(this.flagWordPosition, endWord);
    return this.position;
  }

  /**
   * Lengths ≥ 10 (§2.1.1.1.2 "Match Length"): 10..24 in a nibble of a shared byte, 25..279 in a
   * further byte, 280+ as length − 3 in a further 16 bits that replaces, not adds to, the rest.
   */
  private writeExtendedLength(length: number): void {
    const beyondInline = length - DIRECT2_INLINE_LENGTH_LIMIT;
    const nibble = Math.min(beyondInline, DIRECT2_NIBBLE_ESCAPE);
    if (this.sharedNibblePosition < 0) {
      this.sharedNibblePosition = this.position;
      this.output[this.position++] = nibble;
    } else {
      const shared = this.output[this.sharedNibblePosition] ?? 0;
      this.output[this.sharedNibblePosition] = shared | (nibble << 4);
      this.sharedNibblePosition = -1;
    }
    if (nibble < DIRECT2_NIBBLE_ESCAPE) return;
    const beyondNibble = beyondInline - DIRECT2_NIBBLE_ESCAPE;
    if (beyondNibble < DIRECT2_BYTE_ESCAPE) {
      this.output[this.position++] = beyondNibble;
      return;
    }
    this.output[this.position++] = DIRECT2_BYTE_ESCAPE;
    this.writeUint16(length - LZ77_MIN_MATCH_BYTES);
  }

  private pushFlag(bit: number): void {
    this.flags = (this.flags << 1) | bit;
    if (++this.flagCount < DIRECT2_ELEMENTS_PER_FLAG_WORD) return;
    this.writeUint32At(this.flagWordPosition, this.flags >>> 0);
    // §2.1.1.1.2: "When the bitmask has been consumed, the next four bytes … are another bitmask."
    this.flagWordPosition = this.position;
    this.position += DIRECT2_FLAG_WORD_BYTES;
    this.flags = 0;
    this.flagCount = 0;
  }

  private writeUint16(value: number): void {
    this.output[this.position++] = value & 0xff;
    this.output[this.position++] = value >>> 8;
  }

  private writeUint32At(at: number, value: number): void {
    this.output[at] = value & 0xff;
    this.output[at + 1] = (value >>> 8) & 0xff;
    this.output[at + 2] = (value >>> 16) & 0xff;
    this.output[at + 3] = value >>> 24;
  }
}

import {
  DIRECT2_BYTE_ESCAPE,
  DIRECT2_ELEMENTS_PER_FLAG_WORD,
  DIRECT2_FLAG_WORD_BYTES,
  DIRECT2_LENGTH_ESCAPE,
  DIRECT2_NIBBLE_ESCAPE,
  LZ77_MIN_MATCH_BYTES,
  XPRESS_MAX_BLOCK_BYTES,
} from './xpress.constants.js';
import { XpressFormatError, type XpressFormatErrorCode } from './xpress.errors.js';

/** Below this, a byte loop beats copyWithin's call overhead (matches are mostly 3..20 bytes). */
const BULK_COPY_MIN_BYTES = 32;

/** Where one block's stream sits in the body, and where its output goes. */
export interface Direct2BlockSpan {
  readonly source: Uint8Array;
  readonly sourceStart: number;
  readonly sourceEnd: number;
  readonly target: Uint8Array;
  readonly targetStart: number;
  /** targetStart + the header's `original` size: the block must decode to exactly this end. */
  readonly targetEnd: number;
}

/**
 * Decodes one DIRECT2 stream (§2.1.1.1.2) into target[targetStart, targetEnd), strictly:
 * every read is bounds-checked against the block's own bytes, every write against its declared
 * size, matches may not reach before the block's first byte (each block is compressed on its
 * own, §2.1.1), and the stream must end with the end bit exactly where its bytes run out. Each
 * loop turn consumes input or stops, so malformed input cannot make it spin.
 *
 * `?? 0` on typed-array reads only satisfies noUncheckedIndexedAccess: each index is checked first.
 */
export function decodeDirect2Block(span: Direct2BlockSpan): void {
  const { source, sourceEnd, target, targetStart, targetEnd } = span;
  let input = span.sourceStart;
  let output = targetStart;
  let flags = 0;
  let flagsLeft = 0;
  /** Position of the length byte whose high nibble the next long match uses, or -1. */
  let sharedNibblePosition = -1;

  for (;;) {
    if (flagsLeft === 0) {
      // §2.1.1.1.2: a stream that ran out without its end bit is truncated, whatever it produced.
      if (input + DIRECT2_FLAG_WORD_BYTES > sourceEnd) fail('XPRESS.TRUNCATED_STREAM', input, 'bitmask missing');
      flags = readUint32(source, input);
      input += DIRECT2_FLAG_WORD_BYTES;
      flagsLeft = DIRECT2_ELEMENTS_PER_FLAG_WORD;
    }
    flagsLeft--;

    if (((flags >>> flagsLeft) & 1) === 0) {
      if (input >= sourceEnd) fail('XPRESS.TRUNCATED_STREAM', input, 'literal missing');
      if (output >= targetEnd) fail('XPRESS.OUTPUT_OVERRUN', input, 'literal beyond the declared size');
      target[output++] = source[input++] ?? 0;
      continue;
    }

    // §2.1.1.1.2: a "1" bit with no bytes left is the end bit, not metadata.
    if (input === sourceEnd) break;

    if (input + 2 > sourceEnd) fail('XPRESS.TRUNCATED_STREAM', input, 'match metadata cut short');
    const metadata = readUint16(source, input);
    const metadataStart = input;
    input += 2;
    // "Metadata Offset": the high 13 bits are the one's complement of the negative offset.
    const distance = (metadata >>> 3) + 1;
    let length = metadata & 7;

    if (length === DIRECT2_LENGTH_ESCAPE) {
      // "Match Length": lengths ≥ 10 take a nibble from a byte shared by two long matches, the
      // low nibble for the first (the byte follows its metadata), the high one for the second.
      let nibble: number;
      if (sharedNibblePosition < 0) {
        if (input >= sourceEnd) fail('XPRESS.TRUNCATED_STREAM', input, 'length nibble missing');
        sharedNibblePosition = input;
        nibble = (source[input++] ?? 0) & 0x0f;
      } else {
        nibble = (source[sharedNibblePosition] ?? 0) >>> 4;
        sharedNibblePosition = -1;
      }
      length += nibble;
      if (nibble === DIRECT2_NIBBLE_ESCAPE) {
        if (input >= sourceEnd) fail('XPRESS.TRUNCATED_STREAM', input, 'length byte missing');
        const extra = source[input++] ?? 0;
        if (extra === DIRECT2_BYTE_ESCAPE) {
          if (input + 2 > sourceEnd) fail('XPRESS.TRUNCATED_STREAM', input, 'length word missing');
          // Lengths ≥ 280 are stored whole as length − 3; this replaces the partial sum.
          length = readUint16(source, input);
          input += 2;
        } else {
          length += extra;
        }
      }
    }
    length += LZ77_MIN_MATCH_BYTES;

    if (distance > output - targetStart) {
      fail('XPRESS.OFFSET_BEFORE_START', metadataStart, `match reaches ${distance} bytes back, only ${output - targetStart} decoded`);
    }
    if (length > targetEnd - output) {
      fail('XPRESS.OUTPUT_OVERRUN', metadataStart, `match of ${length} bytes passes the declared size`);
    }
    copyMatch(target, output, distance, length);
    output += length;
  }

  if (output !== targetEnd) {
    fail('XPRESS.LENGTH_MISMATCH', input, `stream ended after ${output - targetStart} of ${targetEnd - targetStart} bytes`);
  }
}

/**
 * CompressOrDecompressWin2k3 with comp = FALSE (§2.1.1.1) for one block stream without its
 * header: `originalSize` (1..65535) is the size the header would declare.
 */
export function decompressXpressBlock(stream: Uint8Array, originalSize: number): Buffer {
  if (!Number.isInteger(originalSize) || originalSize < 0 || originalSize > XPRESS_MAX_BLOCK_BYTES) {
    throw new RangeError(`an Xpress block holds 0..${XPRESS_MAX_BLOCK_BYTES} bytes, got ${originalSize}`);
  }
  const target = Buffer.alloc(originalSize);
  decodeDirect2Block({ source: stream, sourceStart: 0, sourceEnd: stream.length, target, targetStart: 0, targetEnd: originalSize });
  return target;
}

/**
 * §2.1.1.1.1: a length may exceed the offset, "the match repeats by returning back to the
 * starting offset", so overlapping copies must go byte by byte, front to back.
 */
function copyMatch(target: Uint8Array, at: number, distance: number, length: number): void {
  if (distance >= length && length >= BULK_COPY_MIN_BYTES) {
    target.copyWithin(at, at - distance, at - distance + length);
    return;
  }
  for (let from = at - distance, to = at, end = at + length; to < end; ) target[to++] = target[from++] ?? 0;
}

function readUint16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

function fail(code: XpressFormatErrorCode, offset: number, detail: string): never {
  throw new XpressFormatError(code, offset, detail);
}

import { decodeDirect2Block } from './xpress-block.decoder.js';
import {
  XPRESS_BLOCK_HEADER_BYTES,
  XPRESS_DEFAULT_MAX_OUTPUT_BYTES,
  XPRESS_MAX_BLOCK_BYTES,
  XPRESS_MAX_COMPRESSED_BLOCK_BYTES,
} from './xpress.constants.js';
import { XpressFormatError } from './xpress.errors.js';
import { isStoredXpressBlock, readXpressBlockHeader, type XpressBlockHeader } from './xpress.framing.js';

interface LocatedBlock extends XpressBlockHeader {
  /** Offset of the block's header in the body. */
  readonly headerAt: number;
}

/**
 * Decodes a `Content-Encoding: xpress` body (MS-WUSP §2.1.1) and returns the original bytes.
 *
 * All headers are read and checked before any output is allocated, so a body that claims more
 * than `maxOutputBytes` in total is refused without decoding anything. Each block must decode to
 * exactly the size its header declares, and nothing may follow the last block. An empty body is
 * zero blocks and decodes to an empty buffer. Throws XpressFormatError, never reads outside `data`.
 */
export function decompressXpress(data: Uint8Array, maxOutputBytes: number = XPRESS_DEFAULT_MAX_OUTPUT_BYTES): Buffer {
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) {
    throw new RangeError(`maxOutputBytes must be a non-negative integer, got ${maxOutputBytes}`);
  }
  const { blocks, totalOriginalBytes } = locateBlocks(data, maxOutputBytes);
  // Unsafe (uninitialised) is fine: every block is checked to fill its whole range, or we throw
  // and the buffer is never seen.
  const output = Buffer.allocUnsafe(totalOriginalBytes);
  let outputAt = 0;
  for (const block of blocks) {
    const payloadAt = block.headerAt + XPRESS_BLOCK_HEADER_BYTES;
    if (isStoredXpressBlock(block)) {
      output.set(data.subarray(payloadAt, payloadAt + block.compressedSize), outputAt);
    } else {
      decodeDirect2Block({
        source: data,
        sourceStart: payloadAt,
        sourceEnd: payloadAt + block.compressedSize,
        target: output,
        targetStart: outputAt,
        targetEnd: outputAt + block.originalSize,
      });
    }
    outputAt += block.originalSize;
  }
  return output;
}

/** Walks the block headers (§2.1.1), checking each size and that every block lies inside `data`. */
function locateBlocks(data: Uint8Array, maxOutputBytes: number): { blocks: LocatedBlock[]; totalOriginalBytes: number } {
  const blocks: LocatedBlock[] = [];
  let totalOriginalBytes = 0;
  let at = 0;
  while (at < data.length) {
    if (data.length - at < XPRESS_BLOCK_HEADER_BYTES) {
      throw new XpressFormatError('XPRESS.TRUNCATED_HEADER', at, `${data.length - at} bytes left, a block header needs ${XPRESS_BLOCK_HEADER_BYTES}`);
    }
    const header = readXpressBlockHeader(data, at);
    // Sizes are signed on the wire; a block of 0 bytes is never produced by a splitting encoder,
    // and refusing it means every block makes progress.
    if (header.originalSize < 1 || header.originalSize > XPRESS_MAX_BLOCK_BYTES) {
      throw new XpressFormatError('XPRESS.INVALID_BLOCK_SIZE', at, `original size ${header.originalSize} is outside 1..${XPRESS_MAX_BLOCK_BYTES}`);
    }
    if (header.compressedSize < 1 || header.compressedSize > XPRESS_MAX_COMPRESSED_BLOCK_BYTES) {
      throw new XpressFormatError('XPRESS.INVALID_BLOCK_SIZE', at, `compressed size ${header.compressedSize} is outside 1..${XPRESS_MAX_COMPRESSED_BLOCK_BYTES}`);
    }
    const payloadAt = at + XPRESS_BLOCK_HEADER_BYTES;
    if (header.compressedSize > data.length - payloadAt) {
      throw new XpressFormatError('XPRESS.TRUNCATED_BLOCK', at, `block declares ${header.compressedSize} bytes, ${data.length - payloadAt} remain`);
    }
    totalOriginalBytes += header.originalSize;
    if (totalOriginalBytes > maxOutputBytes) {
      throw new XpressFormatError('XPRESS.OUTPUT_LIMIT_EXCEEDED', at, `body decodes to more than the ${maxOutputBytes}-byte limit`);
    }
    blocks.push({ ...header, headerAt: at });
    at = payloadAt + header.compressedSize;
  }
  return { blocks, totalOriginalBytes };
}

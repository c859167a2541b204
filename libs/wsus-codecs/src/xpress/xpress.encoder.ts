import { XpressBlockEncoder } from './xpress-block.encoder.js';
import { XPRESS_BLOCK_HEADER_BYTES, XPRESS_DEFAULT_BLOCK_BYTES, XPRESS_MAX_BLOCK_BYTES } from './xpress.constants.js';
import { writeXpressBlockHeader } from './xpress.framing.js';

export interface XpressCompressOptions {
  /**
   * Uncompressed bytes per block, 1..65535 (§2.1.1). Defaults to XPRESS_DEFAULT_BLOCK_BYTES
   * (16352, what Windows Server 2025 WSUS sends); see that constant for why.
   */
  readonly blockSize?: number;
}

/** Tables are reused across calls; compression is synchronous, so sharing one is safe. */
let sharedBlockEncoder: XpressBlockEncoder | undefined;

/**
 * Encodes a body for `Content-Encoding: xpress` (MS-WUSP §2.1.1): the input is cut into blocks,
 * each compressed on its own with LZ77 + DIRECT2 (§2.1.1.1) and written after its 8-byte header.
 * A block that does not shrink is stored as is, as Windows Server 2025 does (see
 * isStoredXpressBlock), which also keeps every block within the 65535-byte compressed limit.
 * Empty input gives an empty body: zero blocks. Deterministic: same input, same bytes.
 */
export function compressXpress(data: Uint8Array, options: XpressCompressOptions = {}): Buffer {
  const blockSize = options.blockSize ?? XPRESS_DEFAULT_BLOCK_BYTES;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > XPRESS_MAX_BLOCK_BYTES) {
    throw new RangeError(`Xpress block size must be 1..${XPRESS_MAX_BLOCK_BYTES}, got ${blockSize}`);
  }
  const blockEncoder = (sharedBlockEncoder ??= new XpressBlockEncoder());
  const blockCount = Math.ceil(data.length / blockSize);
  // Stored blocks bound every payload by its original size, so this is the exact worst case.
  // Unsafe (uninitialised) is fine: only the bytes written below are copied out.
  const body = Buffer.allocUnsafe(data.length + blockCount * XPRESS_BLOCK_HEADER_BYTES);
  let written = 0;

  for (let start = 0; start < data.length; start += blockSize) {
    const block = data.subarray(start, Math.min(start + blockSize, data.length));
    const compressed = blockEncoder.encode(block);
    const payload = compressed.length < block.length ? compressed : block;
    writeXpressBlockHeader(body, written, { originalSize: block.length, compressedSize: payload.length });
    written += XPRESS_BLOCK_HEADER_BYTES;
    body.set(payload, written);
    written += payload.length;
  }
  // Copy to an exact-size buffer: no uninitialised bytes behind the result, no worst-case slack held.
  return Buffer.from(body.subarray(0, written));
}

/**
 * The header in front of every block of an Xpress body, §2.1.1: `original` then `compressed`,
 * each "a signed, 32-bit integer … The encoding MUST be little-endian."
 */
export interface XpressBlockHeader {
  /** Uncompressed size of the block that follows, 1..65535. */
  readonly originalSize: number;
  /** Size of the block's bytes on the wire, 1..65535. */
  readonly compressedSize: number;
}

export function writeXpressBlockHeader(target: Uint8Array, at: number, header: XpressBlockHeader): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setInt32(at, header.originalSize, true);
  view.setInt32(at + 4, header.compressedSize, true);
}

/** Reads the header at `at`; the caller checks that 8 bytes are there and validates the sizes. */
export function readXpressBlockHeader(body: Uint8Array, at: number): XpressBlockHeader {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return { originalSize: view.getInt32(at, true), compressedSize: view.getInt32(at + 4, true) };
}

/**
 * A block whose compressed size equals its original size carries its bytes as they are. The spec
 * does not mention this; Windows Server 2025 WSUS sends such blocks when compression does not
 * shrink a block (observed-interop.md §A.1) and native clients accept them, so we both read and
 * write them. It also means a real DIRECT2 stream of exactly the original size must never be
 * sent: the encoder stores instead.
 */
export function isStoredXpressBlock(header: XpressBlockHeader): boolean {
  return header.compressedSize === header.originalSize;
}

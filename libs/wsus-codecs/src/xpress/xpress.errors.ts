/**
 * Why an Xpress body was refused. The codes are stable strings so an HTTP edge can map them
 * (a format error is the sender's fault: 400; OUTPUT_LIMIT_EXCEEDED is a size refusal: 413).
 */
export type XpressFormatErrorCode =
  /** Fewer than 8 bytes left where a block header must start (§2.1.1). */
  | 'XPRESS.TRUNCATED_HEADER'
  /** A header declares a size outside 1..65535 (§2.1.1), or a stored block of the wrong size. */
  | 'XPRESS.INVALID_BLOCK_SIZE'
  /** A header declares more compressed bytes than the body still holds. */
  | 'XPRESS.TRUNCATED_BLOCK'
  /** The DIRECT2 stream ends before a bitmask, literal or metadata it needs (§2.1.1.1.2). */
  | 'XPRESS.TRUNCATED_STREAM'
  /** A match reaches back before the start of its block (§2.1.1.1.1: the window is the block so far). */
  | 'XPRESS.OFFSET_BEFORE_START'
  /** The stream decodes to more bytes than the header's `original` size. */
  | 'XPRESS.OUTPUT_OVERRUN'
  /** The stream ended (end bit, §2.1.1.1.2) before producing the header's `original` size. */
  | 'XPRESS.LENGTH_MISMATCH'
  /** The total decoded size would exceed the caller's cap (decompression-bomb guard). */
  | 'XPRESS.OUTPUT_LIMIT_EXCEEDED';

/** Thrown for any Xpress body that is malformed, truncated, or larger than the caller allows. */
export class XpressFormatError extends Error {
  override readonly name = 'XpressFormatError';

  constructor(
    readonly code: XpressFormatErrorCode,
    /** Byte offset in the compressed body where the problem was found. */
    readonly offset: number,
    detail: string,
  ) {
    super(`${code} at byte ${offset}: ${detail}`);
  }
}

/**
 * Numbers that define the Xpress wire format of MS-WUSP §2.1.1, each with the spec text or the
 * observation that fixes it.
 */

/** §2.1.1: "The original, uncompressed size of each block MUST NOT be greater than 65535 bytes." */
export const XPRESS_MAX_BLOCK_BYTES = 65_535;

/** §2.1.1: "The compressed size of each block MUST NOT be greater than 65535 bytes." */
export const XPRESS_MAX_COMPRESSED_BLOCK_BYTES = 65_535;

/**
 * The block size our encoder cuts a body into. Footnote <8> says Windows uses 65535, but the one
 * real WSUS we have captures of (Windows Server 2025, observed-interop.md §A.1) emits 16352-byte
 * blocks, and a third-party server using that size is the only case where a native WUA has been
 * seen to accept bodies that did not come from Microsoft. It also keeps the worst case (all
 * literals: 16352 + 4 × 512 + 4 bytes) far under the 65535-byte compressed limit.
 */
export const XPRESS_DEFAULT_BLOCK_BYTES = 16_352;

/** §2.1.1: each block header is two little-endian signed 32-bit integers, `original` then `compressed`. */
export const XPRESS_BLOCK_HEADER_BYTES = 8;

/** §2.1.1.1.2 "Bitmask": the stream starts with, and is interleaved with, 4-byte bitmasks. */
export const DIRECT2_FLAG_WORD_BYTES = 4;

/** §2.1.1.1.2: one bit per element, so one 32-bit bitmask describes 32 elements. */
export const DIRECT2_ELEMENTS_PER_FLAG_WORD = 32;

/**
 * §2.1.1.1.2 "Metadata Offset": 13 bits hold the one's complement of the offset, so the farthest
 * a match can reach back is 2^13 = 8192 bytes. This is the LZ77 window W of §2.1.1.1.1.
 */
export const LZ77_WINDOW_BYTES = 8_192;

/** §2.1.1.1.1: "the protocol considers sequences of bytes to only be a match if … three or more bytes in common." */
export const LZ77_MIN_MATCH_BYTES = 3;

/**
 * §2.1.1.1.2 "Match Length": the longest form stores length − 3 in 16 bits, so 65535 + 3. A block
 * holds at most 65535 bytes, so in practice a match is bounded by what is left of its block.
 */
export const LZ77_MAX_MATCH_BYTES = 65_535 + LZ77_MIN_MATCH_BYTES;

/** §2.1.1.1.2: lengths 3..9 fit in the three low bits of the 2-byte metadata (b'000'..b'110'). */
export const DIRECT2_INLINE_LENGTH_LIMIT = 10;

/** §2.1.1.1.2: b'111' in the low bits means "length ≥ 10, more in the shared nibble". */
export const DIRECT2_LENGTH_ESCAPE = 7;

/** §2.1.1.1.2: a nibble of b'1111' means "length ≥ 25, more in the next byte". */
export const DIRECT2_NIBBLE_ESCAPE = 15;

/** §2.1.1.1.2: a byte of b'11111111' means "length ≥ 280, stored whole as length − 3 in the next 16 bits". */
export const DIRECT2_BYTE_ESCAPE = 255;

/**
 * Default cap on the total decompressed size, against decompression bombs (one 11-byte block can
 * claim 65535 bytes, a ratio near 6000:1). The largest bodies Watershed expects to decode are
 * multi-megabyte SOAP responses from an upstream server; 128 MiB leaves room for those while
 * bounding the memory one request can make us allocate. Callers with tighter budgets pass their own.
 */
export const XPRESS_DEFAULT_MAX_OUTPUT_BYTES = 128 * 1024 * 1024;

// Xpress content coding of MS-WUSP §2.1.1 (LZ77 + DIRECT2 in 8-byte-framed blocks).
export { compressXpress, type XpressCompressOptions } from './xpress.encoder.js';
export { decompressXpress } from './xpress.decoder.js';
export { compressXpressBlock } from './xpress-block.encoder.js';
export { decompressXpressBlock } from './xpress-block.decoder.js';
export {
  isStoredXpressBlock,
  readXpressBlockHeader,
  writeXpressBlockHeader,
  type XpressBlockHeader,
} from './xpress.framing.js';
export { XpressFormatError, type XpressFormatErrorCode } from './xpress.errors.js';
export { acceptsXpressEncoding, XPRESS_CONTENT_CODING } from './xpress.content-coding.js';
export {
  XPRESS_BLOCK_HEADER_BYTES,
  XPRESS_DEFAULT_BLOCK_BYTES,
  XPRESS_DEFAULT_MAX_OUTPUT_BYTES,
  XPRESS_MAX_BLOCK_BYTES,
  XPRESS_MAX_COMPRESSED_BLOCK_BYTES,
} from './xpress.constants.js';

import { createHash } from 'node:crypto';
import type { PublishedFile } from './publish-update.request.js';

/**
 * A file's declaration computed from its bytes: SHA-1 for `@Digest` (what clients and the
 * /Content path key on) and SHA-256 for the AdditionalDigest Windows 8+ WUA insists on
 * (MS-WUSP <26>). Pure: same bytes, same declaration.
 */
export function describeFile(fileName: string, bytes: Uint8Array, modified: string): PublishedFile {
  return {
    fileName,
    size: bytes.length,
    sha1: createHash('sha1').update(bytes).digest('base64'),
    sha256: createHash('sha256').update(bytes).digest('base64'),
    modified,
  };
}

/**
 * WSUS content URLs: `/Content/<last two hex digits of the SHA-1>/<SHA-1 in hex>.<extension>`
 * (observed-interop.md). The path names the file by its digest, so it maps onto the content store's
 * layout without any lookup, and nothing outside that layout can be reached.
 */
export interface ContentAddress {
  /** Upper-case hex SHA-1. */
  readonly sha1Hex: string;
  readonly extension: string;
}

const CONTENT_FILE = /^([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{40})\.([A-Za-z0-9]{1,16})$/;

export function parseContentPath(directory: string, fileName: string): ContentAddress | null {
  const dir = CONTENT_FILE.exec(directory);
  const file = CONTENT_FILE.exec(fileName);
  if (!dir?.[1] || !file?.[2] || !file[3]) return null;
  const sha1Hex = file[2].toUpperCase();
  // The directory is the last two hex digits of the digest: anything else is not a WSUS URL.
  if (dir[1].toUpperCase() !== sha1Hex.slice(-2)) return null;
  return { sha1Hex, extension: file[3] };
}

export function contentUrlPath(sha1Hex: string, extension: string): string {
  const hex = sha1Hex.toUpperCase();
  return `/Content/${hex.slice(-2)}/${hex}.${extension}`;
}

import path from 'node:path';

/**
 * Where WSUS keeps a file and the URL clients fetch it from (observed-interop.md §A.4):
 * `/Content/<last two hex digits of the SHA-1, upper-case>/<SHA-1 hex, upper-case>.<extension>`,
 * e.g. `Content/49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe`. The same relative path is used
 * under `contentDir`, so a gateway can serve a URL path without asking anyone where the file is.
 */

const SHA1_BYTES = 20;
const SHA256_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Canonical base64 of a digest of `bytes` bytes, or null when the text is not one. */
export function canonicalDigest(base64: string, bytes: number): string | null {
  if (!BASE64.test(base64)) return null;
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== bytes) return null;
  const canonical = raw.toString('base64');
  // Node's decoder ignores stray trailing bits; a text that does not round-trip is not a digest.
  return canonical.replace(/=+$/, '') === base64.replace(/=+$/, '') ? canonical : null;
}

export const canonicalSha1 = (base64: string): string | null => canonicalDigest(base64, SHA1_BYTES);
export const canonicalSha256 = (base64: string): string | null => canonicalDigest(base64, SHA256_BYTES);

export function sha1Hex(sha1Base64: string): string {
  const canonical = canonicalSha1(sha1Base64);
  if (canonical === null) throw new RangeError(`not a base64 SHA-1: ${JSON.stringify(sha1Base64.slice(0, 64))}`);
  return Buffer.from(canonical, 'base64').toString('hex').toUpperCase();
}

/**
 * The extension WSUS appends: everything after the last dot of the file name, as written. A name
 * without one gets none (WSUS refuses extension-less content URLs with 403, so such a file is only
 * reachable by path, never by a client).
 */
export function contentExtension(fileName: string): string {
  const ext = path.posix.extname(fileName.replace(/\\/g, '/'));
  return ext.length > 1 ? ext.slice(1) : '';
}

/** `49/A379….exe`: relative to `contentDir`, and the tail of the URL path. */
export function contentRelativePath(sha1Base64: string, fileName: string): string {
  const hex = sha1Hex(sha1Base64);
  const ext = contentExtension(fileName);
  return `${hex.slice(-2)}/${hex}${ext === '' ? '' : `.${ext}`}`;
}

export function contentUrlPath(sha1Base64: string, fileName: string): string {
  return `/Content/${contentRelativePath(sha1Base64, fileName)}`;
}

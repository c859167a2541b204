import { UpdateMetadataError } from './update-metadata.errors.js';
import type { FileDigest } from './update-document.types.js';

/** Value checks for attributes the indexes depend on; each failure names the XPath it read. */

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Digest byte lengths we can check; unknown algorithms are accepted with any length. */
const DIGEST_BYTES: Readonly<Record<string, number>> = { SHA1: 20, SHA256: 32 };

export function invalid(message: string, path: string): never {
  throw new UpdateMetadataError('UPDATE_METADATA.INVALID_VALUE', message, path);
}

export function missing(message: string, path: string): never {
  throw new UpdateMetadataError('UPDATE_METADATA.MISSING', message, path);
}

export function parseGuid(value: string | undefined, path: string): string {
  if (value === undefined) missing('GUID required', path);
  if (!GUID.test(value)) invalid(`"${value}" is not a GUID`, path);
  return value.toLowerCase();
}

export function parseNonNegativeInteger(value: string | undefined, path: string): number {
  if (value === undefined) missing('integer required', path);
  if (!/^\+?[0-9]{1,16}$/.test(value.trim())) invalid(`"${value}" is not a non-negative integer`, path);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) invalid(`"${value}" is out of range`, path);
  return n;
}

export function parseOptionalInteger(value: string | undefined, path: string): number | undefined {
  return value === undefined ? undefined : parseNonNegativeInteger(value, path);
}

/** xs:boolean: true/false/1/0, surrounding white space collapsed. */
export function parseBoolean(value: string | undefined, fallback: boolean, path: string): boolean {
  if (value === undefined) return fallback;
  switch (value.trim()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return invalid(`"${value}" is not an xs:boolean`, path);
  }
}

export function parseDigest(base64: string | undefined, algorithm: string, path: string): FileDigest {
  if (base64 === undefined) missing('digest required', path);
  const value = base64.trim();
  if (!BASE64.test(value)) invalid(`"${base64}" is not base64`, path);
  const bytes = Buffer.from(value, 'base64');
  const expected = DIGEST_BYTES[algorithm.toUpperCase()];
  if (expected !== undefined && bytes.length !== expected) {
    invalid(`${algorithm} digest has ${bytes.length} bytes, expected ${expected}`, path);
  }
  return { algorithm, base64: value, hex: bytes.toString('hex').toUpperCase() };
}

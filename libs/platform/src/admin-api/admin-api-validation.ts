import { CodedError, ErrorCodes } from '#contracts';
import type { z } from 'zod';
import { AdminApiErrorCodes } from './admin-api-error.js';

/**
 * Validates a body, query or path value with zod; a failure is a 400 REQUEST.INVALID listing every
 * problem as `{ path, message }`, so a script can show all of them at once.
 */
export function parseAdminInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new CodedError(
    ErrorCodes.ValidationFailed,
    `invalid ${what}: ${first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'rejected'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
    { issues },
  );
}

/**
 * Parses an If-Match header holding a version ETag (`"3"` or `W/"3"`). Absent or `*` → undefined
 * (no precondition). Anything else that is not a version cannot match: 412.
 */
export function parseIfMatchVersion(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '' || value.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(value);
  if (!match) throw new CodedError(AdminApiErrorCodes.PreconditionFailed, `If-Match ${JSON.stringify(value)} is not an ETag this resource ever had`);
  return Number(match[1]);
}

export const versionEtag = (version: number | bigint): string => `"${version.toString()}"`;

import { ErrorCodes } from '#contracts';

/**
 * The one place where error codes become HTTP statuses for the admin API. Exact codes first, then
 * the convention every service follows when it names a refusal `<AREA>.<REASON>`: a reason ending
 * in `NOT_FOUND` is 404 (GROUP.PARENT_NOT_FOUND), `INVALID` 400 (APPROVAL.DEADLINE_INVALID),
 * `VERSION_MISMATCH` 412, `UNAUTHORIZED` 401, `TOO_LARGE` 413 (CONTENT.TOO_LARGE),
 * `UNSUPPORTED_MEDIA_TYPE` 415; any other reason is a request that conflicts with the
 * current state: 409.
 */
const EXACT: Readonly<Record<string, number>> = {
  [ErrorCodes.ValidationFailed]: 400,
  [ErrorCodes.NotFound]: 404,
  [ErrorCodes.StreamVersionConflict]: 409,
  [ErrorCodes.EventInvalid]: 400,
  [ErrorCodes.AnchorInvalid]: 400,
  [ErrorCodes.BusTimeout]: 504,
  [ErrorCodes.BusNoResponder]: 503,
  [ErrorCodes.Internal]: 500,
  'PRECONDITION.FAILED': 412,
  'AUTH.NOT_CONFIGURED': 401,
};

const SUFFIXES: readonly (readonly [string, number])[] = [
  ['NOT_FOUND', 404],
  ['INVALID', 400],
  ['VERSION_MISMATCH', 412],
  ['UNAUTHORIZED', 401],
  ['TOO_LARGE', 413],
  ['UNSUPPORTED_MEDIA_TYPE', 415],
];

export function httpStatusForCode(code: string): number {
  const exact = EXACT[code];
  if (exact !== undefined) return exact;
  if (!/^[A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_.]*$/.test(code)) return 500;
  const reason = code.slice(code.indexOf('.') + 1);
  for (const [suffix, status] of SUFFIXES) if (reason === suffix || reason.endsWith(`_${suffix}`) || reason.endsWith(`.${suffix}`)) return status;
  return 409;
}

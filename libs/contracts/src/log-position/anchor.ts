import { type LogPosition, LOG_START } from './log-position.js';

/**
 * Anchors are the opaque strings we hand out for "everything after here". They encode a
 * LogPosition as two fixed-width hex numbers so that plain string comparison orders anchors the
 * same way the log does (useful in logs, caches and tests).
 *
 * Layout: `A1.<16 hex: transaction id>.<16 hex: sequence>`; the `A1` prefix versions the layout.
 */
const ANCHOR_PATTERN = /^A1\.([0-9a-f]{16})\.([0-9a-f]{16})$/;
const MAX_UINT64 = (1n << 64n) - 1n;

export class InvalidAnchorError extends Error {
  readonly code = 'ANCHOR.INVALID';
  constructor(readonly anchor: string) {
    super(`not a Watershed anchor: ${JSON.stringify(anchor.slice(0, 80))}`);
  }
}

export function encodeAnchor(position: LogPosition): string {
  for (const part of [position.transactionId, position.sequence]) {
    if (part < 0n || part > MAX_UINT64) throw new RangeError(`log position out of range: ${part}`);
  }
  const hex = (n: bigint): string => n.toString(16).padStart(16, '0');
  return `A1.${hex(position.transactionId)}.${hex(position.sequence)}`;
}

/** Empty or absent anchor means "from the beginning", as in the WSUS protocols. */
export function decodeAnchor(anchor: string | null | undefined): LogPosition {
  if (anchor === null || anchor === undefined || anchor === '') return LOG_START;
  const match = ANCHOR_PATTERN.exec(anchor);
  if (!match) throw new InvalidAnchorError(anchor);
  return { transactionId: BigInt(`0x${match[1]}`), sequence: BigInt(`0x${match[2]}`) };
}

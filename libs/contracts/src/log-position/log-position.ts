/**
 * A position in the global event log: the writing transaction's id and the row's sequence value.
 *
 * Why a pair and not just the sequence: a sequence value is taken at insert time but becomes visible
 * at commit time, so a reader resuming "after sequence N" could skip an event that commits later
 * with a smaller N. Ordering by (transaction id, sequence) and reading only transactions older than
 * the oldest one still running makes every resume point final (see STYLE.md, "the gap problem").
 */
export interface LogPosition {
  readonly transactionId: bigint;
  readonly sequence: bigint;
}

export const LOG_START: LogPosition = Object.freeze({ transactionId: 0n, sequence: 0n });

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.sequence !== b.sequence) return a.sequence < b.sequence ? -1 : 1;
  return 0;
}

export function isAfter(a: LogPosition, b: LogPosition): boolean {
  return compareLogPositions(a, b) > 0;
}

/**
 * The anchor form Windows servers require on the server-server protocol ([MS-WSUSSS] <31>):
 * `n,yyyy-MM-dd hh:mm:ss.fff` with n a positive 32-bit integer. We map n to a gap-safe log position
 * through the wire checkpoint table, so the integer is only a key, never a sequence value.
 */
export interface WindowsAnchor {
  readonly checkpoint: number;
  readonly issuedAt: Date;
}

export const MAX_WINDOWS_CHECKPOINT = 2_147_483_647;
const WINDOWS_ANCHOR_PATTERN = /^(\d{1,10}),(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/;

export class InvalidWindowsAnchorError extends Error {
  readonly code = 'ANCHOR.INVALID';
  constructor(readonly anchor: string, reason: string) {
    super(`invalid anchor ${JSON.stringify(anchor.slice(0, 80))}: ${reason}`);
  }
}

export function formatWindowsAnchor(anchor: WindowsAnchor): string {
  const { checkpoint, issuedAt } = anchor;
  if (!Number.isInteger(checkpoint) || checkpoint < 1 || checkpoint > MAX_WINDOWS_CHECKPOINT) {
    throw new RangeError(`checkpoint must be 1..${MAX_WINDOWS_CHECKPOINT}, got ${checkpoint}`);
  }
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const d = issuedAt;
  return (
    `${checkpoint},${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

export function parseWindowsAnchor(text: string): WindowsAnchor {
  const m = WINDOWS_ANCHOR_PATTERN.exec(text);
  if (!m) throw new InvalidWindowsAnchorError(text, 'expected n,yyyy-MM-dd hh:mm:ss.fff');
  const [, n, year, month, day, hour, minute, second, millis] = m.map(Number) as number[] as [
    number, number, number, number, number, number, number, number, number,
  ];
  if (n < 1 || n > MAX_WINDOWS_CHECKPOINT) {
    throw new InvalidWindowsAnchorError(text, `n must be 1..${MAX_WINDOWS_CHECKPOINT}`);
  }
  const issuedAt = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC silently rolls 2024-02-31 over into March; a real anchor never does.
  if (
    issuedAt.getUTCFullYear() !== year || issuedAt.getUTCMonth() !== month - 1 || issuedAt.getUTCDate() !== day ||
    hour > 23 || minute > 59 || second > 59
  ) {
    throw new InvalidWindowsAnchorError(text, 'not a calendar date and time');
  }
  return { checkpoint: n, issuedAt };
}

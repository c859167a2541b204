/**
 * xs:dateTime as clients send it: up to 7 fraction digits (.NET ticks), `Z`, an offset, or no zone
 * (read as UTC: MS-WUSP says TimeAtTarget is UTC).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/** Milliseconds since the epoch, or null when the text is not an xs:dateTime. */
export function parseReportTime(text: string): number | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = m;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(time);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return null;
  }
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    time -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return time;
}

/**
 * The time an event counts at when events are ordered: the client's TimeAtTarget, but never later
 * than when the server stored it. A client whose clock runs ahead cannot make its old reports
 * outrank ones stored after them; an unreadable time counts as the storage time.
 */
export function effectiveEventTime(timeAtTarget: string, recordedAt: Date | string): number {
  const stored = new Date(recordedAt).getTime();
  const claimed = parseReportTime(timeAtTarget);
  return claimed === null ? stored : Math.min(claimed, stored);
}

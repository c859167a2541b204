/**
 * DriverVerVersion as MS-WUSP compares it: the INF's four-part `a.b.c.d` (each part 0-65535) packed
 * into one 64-bit integer, `a` in the highest 16 bits (the form a client sends in
 * InstalledDriver.DriverVerVersion: fixture 09's 2814751477604196 is 10.0.26100.8036).
 * Returns undefined for anything that is not four parts in range.
 */
export function driverVersionToLong(version: string): bigint | undefined {
  const parts = version.trim().split('.');
  if (parts.length !== 4) return undefined;
  let packed = 0n;
  for (const part of parts) {
    if (!/^\d{1,5}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 0xffff) return undefined;
    packed = (packed << 16n) | BigInt(n);
  }
  return packed;
}

/** The inverse, for messages and tests: 2814751477604196n → "10.0.26100.8036". */
export function driverVersionFromLong(packed: bigint): string {
  const parts: bigint[] = [];
  for (let shift = 48n; shift >= 0n; shift -= 16n) parts.push((packed >> shift) & 0xffffn);
  return parts.join('.');
}

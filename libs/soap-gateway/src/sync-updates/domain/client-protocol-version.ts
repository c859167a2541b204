/**
 * Client protocol versions ("1.8", "2.90") compare per component as integers: 2.90 > 2.4 > 1.10 > 1.8.
 * Anything unparsable counts as 1.0, the oldest client, so gated fields stay off.
 */
export function parseClientProtocolVersion(text: string | null | undefined): readonly [number, number] {
  const match = /^\s*(\d{1,6})\.(\d{1,6})\s*$/.exec(text ?? '');
  return match ? [Number(match[1]), Number(match[2])] : [1, 0];
}

export function clientVersionAtLeast(version: string | null | undefined, major: number, minor: number): boolean {
  const [a, b] = parseClientProtocolVersion(version);
  return a > major || (a === major && b >= minor);
}

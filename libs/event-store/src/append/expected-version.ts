/**
 * What the writer believes about the stream before appending:
 * - `no-stream`: it must not exist yet (creating an aggregate);
 * - `exists`: it must exist, at any version;
 * - `any`: no check (append-only facts such as client reports);
 * - a bigint: it must be exactly at that version (1-based count of events). `0n` means `no-stream`.
 */
export type ExpectedVersion = 'no-stream' | 'exists' | 'any' | bigint;

export function describeExpectedVersion(expected: ExpectedVersion): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

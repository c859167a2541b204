/**
 * HTTP Range requests (RFC 9110 §14) for update content. BITS and Delivery Optimization fetch files
 * in shuffled ranges, sometimes several per request, so every form must work: `a-b`, `a-`, `-n`,
 * and lists of them.
 */
export interface ByteRange {
  /** Inclusive. */
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

export type RangeRequest =
  | { readonly kind: 'none' } // no Range header, or one we must ignore: send the whole file
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'ranges'; readonly ranges: readonly ByteRange[] };

/** More ranges than this in one request is an abuse pattern (RFC 9110 §14.2 allows refusing). */
export const MAX_RANGES_PER_REQUEST = 64;

export function parseRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'none' };
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  // An unknown unit or a malformed header is ignored, as the RFC says (not an error).
  if (!match) return { kind: 'none' };
  const specs = match[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (specs.length === 0 || specs.length > MAX_RANGES_PER_REQUEST) return { kind: 'none' };
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const m = /^(\d*)-(\d*)$/.exec(spec);
    if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
    if (m[1] === '') {
      const suffix = Number(m[2]);
      if (suffix === 0) continue; // "-0" selects nothing
      ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(m[1]);
    const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return { kind: 'none' }; // invalid: ignore the header
    if (start >= size) continue; // unsatisfiable on its own; others may still be satisfiable
    ranges.push({ start, end });
  }
  if (ranges.length === 0 || size === 0) return { kind: 'unsatisfiable' };
  return { kind: 'ranges', ranges };
}

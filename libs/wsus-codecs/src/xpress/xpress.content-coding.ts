/** The HTTP content-coding token, MS-WUSP §2.1: `Accept-Encoding: xpress` / `Content-Encoding: xpress`. */
export const XPRESS_CONTENT_CODING = 'xpress';

/**
 * Whether a request's Accept-Encoding asks for xpress (MS-WUSP §2.1: "If the client requests
 * xpress compression, the update server SHOULD encode the response using the requested format").
 * Only an explicit `xpress` token counts, not `*`: the spec ties xpress to the client asking for
 * it, and `;q=0` means "not acceptable" (RFC 9110 §12.5.3). Native WUA sends exactly `xpress`.
 */
export function acceptsXpressEncoding(acceptEncoding: string | readonly string[] | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  const values = typeof acceptEncoding === 'string' ? [acceptEncoding] : acceptEncoding;
  for (const value of values) {
    for (const entry of value.split(',')) {
      const [coding = '', ...parameters] = entry.split(';');
      if (coding.trim().toLowerCase() !== XPRESS_CONTENT_CODING) continue;
      if (qualityOf(parameters) > 0) return true;
    }
  }
  return false;
}

/** The `q` weight among an entry's parameters; 1 when absent, 0 when unreadable. */
function qualityOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'q') continue;
    const quality = Number(value.trim());
    return Number.isFinite(quality) ? quality : 0;
  }
  return 1;
}

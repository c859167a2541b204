import { SoapRequestError } from './soap-request.error.js';
import type { SoapVersion } from './soap.constants.js';

export interface SoapHttpHeaders {
  readonly contentType?: string | undefined;
  readonly soapAction?: string | undefined;
}

export interface SoapTransportInfo {
  /** Undefined when no Content-Type was sent; the envelope namespace decides then. */
  readonly soapVersion: SoapVersion | undefined;
  /** Unquoted action, undefined when absent or empty. */
  readonly action: string | undefined;
}

const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * SOAP 1.1 over HTTP: `Content-Type: text/xml` plus a `SOAPAction` header, which WUA quotes
 * (`SOAPAction: "http://…/GetConfig"`, fixtures) but other stacks may not. SOAP 1.2: `Content-Type:
 * application/soap+xml; action="…"` (RFC 3902); the SOAPAction header is only a fallback there.
 * An empty SOAPAction (`""`) means "the request URI" in SOAP 1.1, which names no WUSP operation: treated as missing.
 */
export function readSoapTransport(headers: SoapHttpHeaders): SoapTransportInfo {
  const headerAction = unquote(headers.soapAction);
  if (headers.contentType === undefined || headers.contentType.trim() === '') {
    return { soapVersion: undefined, action: headerAction };
  }
  const { mediaType, params } = parseContentType(headers.contentType);
  const charset = params.get('charset')?.toLowerCase();
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    throw new SoapRequestError('unsupported-media-type', { message: 'Content-Type' }, { diagnostic: `unsupported charset ${charset}` });
  }
  if (mediaType === 'text/xml') return { soapVersion: '1.1', action: headerAction };
  if (mediaType === 'application/soap+xml') {
    return { soapVersion: '1.2', action: unquote(params.get('action')) ?? headerAction };
  }
  throw new SoapRequestError('unsupported-media-type', { message: 'Content-Type' }, { diagnostic: `unsupported media type ${mediaType}` });
}

function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).trim();
  return v === '' ? undefined : v;
}

function parseContentType(value: string): { mediaType: string; params: Map<string, string> } {
  const [type = '', ...rest] = splitOutsideQuotes(value, ';');
  const params = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params.set(key, v);
  }
  return { mediaType: type.trim().toLowerCase(), params };
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fixturePath } from '#test-support';
import { DEFAULT_SOAP_LIMITS, decompressXpress, parseXmlDocument, type XmlElement } from '#wsus-codecs';

/** Test-only: raw HTTP (no automatic decoding, so Content-Encoding: xpress is seen as sent). */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: Buffer;
  /** The body after undoing xpress. */
  readonly text: string;
}

export function postRaw(baseUrl: string, path: string, body: string | Buffer, headers: Record<string, string>): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-length': String(payload.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const decoded = res.headers['content-encoding'] === 'xpress' ? decompressXpress(raw) : raw;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text: Buffer.from(decoded).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function getRaw(baseUrl: string, path: string, method = 'GET'): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, baseUrl), { method }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const fixture = (file: string): string => readFileSync(fixturePath('wusp-native-scan', file), 'utf8');

/** Headers of a captured request, without Content-Length/Host (the client sets them). */
export function fixtureHeaders(exchange: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fixture(`${exchange}.request.headers.txt`).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-length' || name === 'host' || name === 'connection') continue;
    out[name] = line.slice(colon + 1).trim();
  }
  return out;
}

/** `{ns}name` skeleton of a document with leaf texts dropped: namespaces, order and presence, not values. */
export function shapeOf(xml: string): string {
  const walk = (el: XmlElement): string => `{${el.ns}}${el.name}${el.children.length ? `(${el.children.map(walk).join(',')})` : ''}`;
  return walk(parseXmlDocument(xml, DEFAULT_SOAP_LIMITS));
}

export function textOf(xml: string, name: string): string | undefined {
  let found: string | undefined;
  const walk = (el: XmlElement): void => {
    if (found === undefined && el.name === name) found = el.text;
    el.children.forEach(walk);
  };
  walk(parseXmlDocument(xml, DEFAULT_SOAP_LIMITS));
  return found;
}

import { readFile } from 'node:fs/promises';
import type { SqlExecutor } from '#event-store';
import { canonicalSha1, contentUrlPath } from '../content-store/content-path.js';
import type { ContentStore } from '../content-store/content-store.js';
import type { EulaFileReply, EulaReply } from '../metadata-store.api.js';
import { selectFragments } from '../get-fragments/get-fragments.query.js';
import { loadFragments } from '../update-revisions/update-revisions.queries.js';

/**
 * License files are plain text of a few tens of kilobytes; anything past this is not shown inline
 * (the admin still gets its content URL), so one request never pulls a large file through the bus.
 */
export const MAX_EULA_TEXT_BYTES = 1024 * 1024;

/**
 * What an administrator reads before accepting a license: the stored document's `EulaFile`
 * fragments (MS-WUSP <44>: file name, digest, size, language, optional GeoId), the locale chosen
 * like LocalizedProperties, and the text of each chosen file when its verified bytes are held (they
 * arrive with the import, matched by their digest, like any other file of the document).
 */
export async function getEula(db: SqlExecutor, content: ContentStore, revisionId: number, locales: readonly string[]): Promise<EulaReply> {
  const rows = await loadFragments(db, [revisionId], ['Eula']);
  const available = rows.filter((r) => r.locale !== null).map((r) => ({ locale: r.locale!, geoId: r.geoId }));
  // The selection also appends the fallbacks a client gets (`en`); the administrator reads the best one.
  const selected = selectFragments(rows, ['Eula'], locales);
  const chosen = selected.filter((f) => f.locale === selected[0]?.locale);
  const files: EulaFileReply[] = [];
  for (const fragment of chosen) files.push(await describeEulaFile(content, fragment.locale ?? '', fragment.geoId, fragment.xml));
  return { revisionId, available, files };
}

async function describeEulaFile(content: ContentStore, locale: string, geoId: string | null, xml: string): Promise<EulaFileReply> {
  const a = startTagAttributes(xml);
  const fileName = a.get('FileName') ?? null;
  const algorithm = (a.get('DigestAlgorithm') ?? 'SHA1').toUpperCase();
  const sha1 = algorithm === 'SHA1' && a.get('Digest') !== undefined ? canonicalSha1(a.get('Digest')!) : null;
  const sizeText = a.get('Size');
  const size = sizeText !== undefined && /^\d{1,15}$/.test(sizeText) ? Number(sizeText) : null;
  if (sha1 === null || fileName === null) return { locale, geoId, fileName, sha1, size, urlPath: null, stored: false, text: null };
  const storedSize = await content.storedSize(sha1, fileName);
  // A file of another length under the name is not the file (a torn copy from outside).
  const stored = storedSize !== null && (size === null || storedSize === size);
  const text = stored && storedSize <= MAX_EULA_TEXT_BYTES ? decodeText(await readFile(content.pathFor(sha1, fileName))) : null;
  return { locale, geoId, fileName, sha1, size, urlPath: contentUrlPath(sha1, fileName), stored, text };
}

/** Attributes of the fragment's root element, by local name, entities decoded. */
export function startTagAttributes(xml: string): Map<string, string> {
  const end = xml.indexOf('>');
  const tag = end < 0 ? xml : xml.slice(0, end);
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/\s(?:[\w.-]+:)?([\w.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if (!out.has(m[1]!)) out.set(m[1]!, decodeEntities(m[2] ?? m[3] ?? ''));
  }
  return out;
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

/** Microsoft's license files are UTF-16 with a byte-order mark or UTF-8; the mark decides. */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

import { readFileSync } from 'node:fs';
import { normalizeGuid } from '#contracts';
import { fixturePath } from '#test-support';
import { CLIENT_NS, decodeWuspRequest, parseWuspRequest, type WuspRequest } from '#wsus-codecs';
import type { ScanCatalogBuilder } from './scan-catalog.builder.js';

/** Test-only access to the captured Windows 11 ⇄ WS2025 scan (../shared/fixtures/wusp-native-scan). */
export const readNativeScan = (file: string): string => readFileSync(fixturePath('wusp-native-scan', file), 'utf8');

export const unescapeXml = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

export const SYNC_UPDATES_EXCHANGES = ['06-SyncUpdates-first', '07-SyncUpdates-installedNonLeaf1', '08-SyncUpdates-installedNonLeaf2'] as const;

export interface CapturedUpdate {
  readonly revisionId: number;
  readonly deploymentId: number;
  readonly coreXml: string;
}

/** The one UpdateInfo each of the captured SyncUpdates responses carries. */
export function capturedUpdate(exchange: string): CapturedUpdate {
  const xml = readNativeScan(`${exchange}.response.xml`);
  const m = /<UpdateInfo><ID>(\d+)<\/ID><Deployment><ID>(\d+)<\/ID>.*?<Xml>(.*?)<\/Xml><\/UpdateInfo>/.exec(xml);
  if (!m) throw new Error(`no UpdateInfo in ${exchange}`);
  return { revisionId: Number(m[1]), deploymentId: Number(m[2]), coreXml: unescapeXml(m[3]!) };
}

/** Imports a captured category revision as the metadata store would describe it in UpdateRevisionImported. */
export function importCaptured(catalog: ScanCatalogBuilder, u: CapturedUpdate): void {
  const identity = /<UpdateIdentity UpdateID="([^"]+)" RevisionNumber="(\d+)"/.exec(u.coreXml)!;
  const prerequisites = [...u.coreXml.matchAll(/<AtLeastOne IsCategory="true">(.*?)<\/AtLeastOne>/g)].map((clause) =>
    [...clause[1]!.matchAll(/UpdateID="([^"]+)"/g)].map((id) => normalizeGuid(id[1]!)),
  );
  catalog.revision({
    revisionId: u.revisionId,
    updateId: normalizeGuid(identity[1]!),
    revisionNumber: Number(identity[2]),
    type: 'Category',
    prerequisites,
    categoryIds: prerequisites.flat(),
    coreXml: u.coreXml,
  });
}

/** Decodes a captured client request with the real codec (07–09 have no header file: same headers as 06). */
export function decodeNativeRequest(exchange: string, operation: string): WuspRequest {
  const parsed = parseWuspRequest(Buffer.from(readNativeScan(`${exchange}.request.xml`)), {
    contentType: 'text/xml; charset=utf-8',
    soapAction: `"${CLIENT_NS}/${operation}"`,
  });
  return decodeWuspRequest(parsed);
}

/** The cookie a captured response carries, to put into ours when comparing bytes. */
export function capturedNewCookie(exchange: string): { expiration: string; encryptedData: Uint8Array } {
  const wire = readNativeScan(`${exchange}.response.xml`);
  const cookie = /<NewCookie><Expiration>(.*?)<\/Expiration><EncryptedData>(.*?)<\/EncryptedData><\/NewCookie>/.exec(wire)!;
  return { expiration: cookie[1]!, encryptedData: new Uint8Array(Buffer.from(cookie[2]!, 'base64')) };
}

import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fixturePath } from '#test-support';

/** The shared fixture documents (full `upd:Update` documents as WSUS stores them). */
export const FIXTURES = {
  leaf: '266f6222-c89d-43f2-9f8a-69340271e677-r200.DefenderFullDeltas-leaf-commandline-with-file.xml',
  category: '56309036-4c77-4dd9-951a-99ee9c246a94-r101.category-Company-Microsoft.xml',
  bundle: 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.KB2267602-DefenderSecurityIntelligence-bundle.xml',
  smallBundle: 'ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200.HIDDEN-MpSigStub-bundle-no-applicability.xml',
} as const;
export type FixtureName = keyof typeof FIXTURES;

export function fixtureXml(name: FixtureName): string {
  return readFileSync(fixturePath('update-metadata', 'wsusss-GetUpdateData-decoded', FIXTURES[name]), 'utf8');
}

export const LEAF_UPDATE_ID = '266f6222-c89d-43f2-9f8a-69340271e677';
export const CATEGORY_UPDATE_ID = '56309036-4c77-4dd9-951a-99ee9c246a94';
export const BUNDLE_UPDATE_ID = 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe';
export const SMALL_BUNDLE_UPDATE_ID = 'ccb78947-6453-4ecc-9de8-bc0305c98f2d';

/** AM_Delta.exe as the leaf declares it. */
export const LEAF_FILE = {
  fileName: 'AM_Delta.exe',
  sha1: 'h/W9BGlYUAaqXTp30cZi/SiV3c0=',
  sha256: 'Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA=',
  size: 11606440,
};

export const digests = (bytes: Buffer) => ({
  sha1: createHash('sha1').update(bytes).digest('base64'),
  sha256: createHash('sha256').update(bytes).digest('base64'),
  sha1Hex: createHash('sha1').update(bytes).digest('hex').toUpperCase(),
});

/**
 * The real leaf document re-identified and re-pointed at bytes we hold: a new UpdateID (and
 * optionally RevisionNumber), and the File's Digest/AdditionalDigest/Size replaced by those given.
 */
export function leafWithFile(
  file: { sha1: string; sha256: string; size: number },
  options: { updateId?: string; revisionNumber?: number } = {},
): { xml: string; updateId: string } {
  const updateId = options.updateId ?? randomUUID();
  let xml = fixtureXml('leaf').replace(`UpdateID="${LEAF_UPDATE_ID}" RevisionNumber="200"`, `UpdateID="${updateId}" RevisionNumber="${options.revisionNumber ?? 200}"`);
  xml = xml
    .replace(`Digest="${LEAF_FILE.sha1}"`, `Digest="${file.sha1}"`)
    .replace(`>${LEAF_FILE.sha256}<`, `>${file.sha256}<`)
    .replace(` Size="${LEAF_FILE.size}"`, ` Size="${file.size}"`);
  return { xml, updateId };
}

import { createHash } from 'node:crypto';

/**
 * Update documents for scenario tests, in the shape WSUS stores them (see
 * ../shared/fixtures/update-metadata/wsusss-GetUpdateData-decoded): detectoids, software updates
 * with prerequisites, categories, supersedence and files, and bundles whose children are named by
 * (UpdateID, RevisionNumber). Categories come from `categoryDocumentXml` (test/support/catalog).
 * What local publishing cannot express (detectoids, bundles, several languages) is imported with these.
 */

const NS =
  'xmlns:bar="http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules" ' +
  'xmlns:lar="http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules" ' +
  'xmlns:cmd="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation" ' +
  'xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"';

const escape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const CREATED = '2026-01-01T00:00:00.000Z';

export interface Localization {
  readonly language: string;
  readonly title: string;
  readonly description?: string;
}

function localizations(list: readonly Localization[], eulaFiles = ''): string {
  return (
    '<upd:LocalizedPropertiesCollection>' +
    list
      .map(
        (l) =>
          `<upd:LocalizedProperties><upd:Language>${escape(l.language)}</upd:Language><upd:Title>${escape(l.title)}</upd:Title>` +
          `<upd:Description>${escape(l.description ?? l.title)}</upd:Description></upd:LocalizedProperties>`,
      )
      .join('') +
    eulaFiles +
    '</upd:LocalizedPropertiesCollection>'
  );
}

const identity = (updateId: string): string => `<upd:UpdateIdentity UpdateID="${updateId}" />`;

/**
 * A detectoid (UpdateType Detectoid, no handler, no files): evaluated by the client, never installed.
 * Its IsInstalled rule is what a client evaluates to decide whether updates that name it apply.
 */
export function detectoidDocumentXml(d: { updateId: string; revisionNumber?: number; title: string }): string {
  return (
    `<upd:Update ${NS}>` +
    `<upd:UpdateIdentity UpdateID="${d.updateId}" RevisionNumber="${d.revisionNumber ?? 100}" />` +
    `<upd:Properties UpdateType="Detectoid" DefaultPropertiesLanguage="en" PublicationState="Published" CreationDate="${CREATED}" />` +
    localizations([{ language: 'en', title: d.title }]) +
    '<upd:ApplicabilityRules><upd:IsInstalled><bar:Processor Architecture="9" /></upd:IsInstalled></upd:ApplicabilityRules>' +
    '</upd:Update>'
  );
}

export interface ScenarioFile {
  readonly fileName: string;
  readonly bytes: Buffer;
}

export interface SoftwareDocument {
  readonly updateId: string;
  readonly revisionNumber?: number;
  /** At least one; the first is DefaultPropertiesLanguage. */
  readonly localizations: readonly Localization[];
  /** Product and classification UpdateIDs: written as `AtLeastOne IsCategory="true"` clauses. */
  readonly categoryIds: readonly string[];
  /** CNF of plain prerequisites (detectoids, other updates): one `AtLeastOne` per clause. */
  readonly prerequisites?: readonly (readonly string[])[];
  readonly supersededUpdateIds?: readonly string[];
  /** Children of a bundle: one AtLeastOne per member, with their RevisionNumber (MS-WUSP Bundle table). */
  readonly bundledUpdates?: readonly { readonly updateId: string; readonly revisionNumber: number }[];
  readonly files?: readonly ScenarioFile[];
  /**
   * A license: `Properties/@EulaID` and one `EulaFile` per language (MS-WUSP <44>), written after
   * the LocalizedProperties. Their bytes go with the import's files only when `bytes` is given.
   */
  readonly eula?: { readonly eulaId: string; readonly files: readonly { readonly language: string; readonly geoId?: string; readonly fileName: string; readonly bytes: Buffer; readonly upload?: boolean }[] };
  /** `Properties/@PublicationState`; Published unless given. */
  readonly publicationState?: 'Published' | 'Expired';
}

export interface ImportableDocument {
  readonly xml: string;
  /** As the admin import API takes them. */
  readonly files: { fileName: string; contentBase64: string }[];
  /** Base64 SHA-1 and SHA-256 of each file, in order. */
  readonly digests: { fileName: string; sha1: string; sha256: string; size: number }[];
}

/** A software update (a bundle when `bundledUpdates` is given), with a command-line installer when it has files. */
export function softwareDocument(u: SoftwareDocument): ImportableDocument {
  const files = u.files ?? [];
  const digests = files.map((f) => ({
    fileName: f.fileName,
    sha1: createHash('sha1').update(f.bytes).digest('base64'),
    sha256: createHash('sha256').update(f.bytes).digest('base64'),
    size: f.bytes.length,
  }));
  const size = digests.reduce((s, d) => s + d.size, 0);
  const language = u.localizations[0]?.language ?? 'en';
  const handler = files.length > 0 ? ' Handler="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation"' : '';
  let relationships = '';
  if ((u.supersededUpdateIds ?? []).length > 0) relationships += `<upd:SupersededUpdates>${u.supersededUpdateIds!.map(identity).join('')}</upd:SupersededUpdates>`;
  let prerequisites = '';
  for (const category of u.categoryIds) prerequisites += `<upd:AtLeastOne IsCategory="true">${identity(category)}</upd:AtLeastOne>`;
  for (const clause of u.prerequisites ?? []) prerequisites += `<upd:AtLeastOne>${clause.map(identity).join('')}</upd:AtLeastOne>`;
  if (prerequisites !== '') relationships += `<upd:Prerequisites>${prerequisites}</upd:Prerequisites>`;
  if ((u.bundledUpdates ?? []).length > 0) {
    relationships +=
      '<upd:BundledUpdates>' +
      u.bundledUpdates!.map((m) => `<upd:AtLeastOne><upd:UpdateIdentity UpdateID="${m.updateId}" RevisionNumber="${m.revisionNumber}" /></upd:AtLeastOne>`).join('') +
      '</upd:BundledUpdates>';
  }
  const eulaFiles = (u.eula?.files ?? [])
    .map(
      (f) =>
        `<upd:EulaFile Digest="${createHash('sha1').update(f.bytes).digest('base64')}" DigestAlgorithm="SHA1" FileName="${escape(f.fileName)}" ` +
        `Size="${f.bytes.length}" Language="${escape(f.language)}"${f.geoId ? ` GeoId="${escape(f.geoId)}"` : ''}>` +
        `<upd:AdditionalDigest Algorithm="SHA256">${createHash('sha256').update(f.bytes).digest('base64')}</upd:AdditionalDigest></upd:EulaFile>`,
    )
    .join('');
  const xml =
    `<upd:Update ${NS}>` +
    `<upd:UpdateIdentity UpdateID="${u.updateId}" RevisionNumber="${u.revisionNumber ?? 200}" />` +
    `<upd:Properties UpdateType="Software" DefaultPropertiesLanguage="${language}"${handler} ExplicitlyDeployable="true" MaxDownloadSize="${size}" MinDownloadSize="0" ` +
    `PublicationState="${u.publicationState ?? 'Published'}" CreationDate="${CREATED}"${u.eula ? ` EulaID="${u.eula.eulaId}"` : ''} />` +
    localizations(u.localizations, eulaFiles) +
    (relationships === '' ? '' : `<upd:Relationships>${relationships}</upd:Relationships>`) +
    (files.length > 0
      ? '<upd:ApplicabilityRules><upd:IsInstalled><lar:False /></upd:IsInstalled><upd:IsInstallable><lar:True /></upd:IsInstallable></upd:ApplicabilityRules>'
      : '') +
    (files.length > 0
      ? '<upd:Files>' +
        digests
          .map(
            (d) =>
              `<upd:File Digest="${d.sha1}" DigestAlgorithm="SHA1" FileName="${escape(d.fileName)}" Size="${d.size}" Modified="${CREATED}">` +
              `<upd:AdditionalDigest Algorithm="SHA256">${d.sha256}</upd:AdditionalDigest></upd:File>`,
          )
          .join('') +
        '</upd:Files>' +
        `<upd:HandlerSpecificData xsi:type="cmd:CommandLineInstallation" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><cmd:InstallCommand Program="${escape(files[0]!.fileName)}" Arguments="/quiet"><cmd:ReturnCode Code="0" Result="Succeeded" /></cmd:InstallCommand></upd:HandlerSpecificData>`
      : '') +
    '</upd:Update>';
  const licenseUploads = (u.eula?.files ?? []).filter((f) => f.upload !== false).map((f) => ({ fileName: f.fileName, contentBase64: f.bytes.toString('base64') }));
  return { xml, files: [...files.map((f) => ({ fileName: f.fileName, contentBase64: f.bytes.toString('base64') })), ...licenseUploads], digests };
}

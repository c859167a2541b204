/**
 * Full WSUS update documents (the `upd:Update` schema, element order as in
 * ../shared/fixtures/update-metadata/wsusss-GetUpdateData-decoded) for generated catalogs:
 * detectoids, leaf software updates with command-line installers and files, and bundles.
 * Local publishing makes plain software updates only; these cover what a sync from Microsoft brings.
 */
const NS =
  'xmlns:pub="http://schemas.microsoft.com/msus/2002/12/Publishing" xmlns:bar="http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules" ' +
  'xmlns:lar="http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules" xmlns:cmd="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation" ' +
  'xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"';
const CMD_HANDLER = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation';
const PUBLISHER = 'bccf8ca0-2819-4598-8d15-c1506e363e92';

export interface LocalizedText {
  readonly language: string;
  readonly title: string;
  readonly description: string;
}

export interface DocumentFile {
  readonly fileName: string;
  readonly sha1Base64: string;
  readonly sha256Base64: string;
  readonly size: number;
}

export interface Prerequisites {
  /** Each must be installed (AND). */
  readonly all?: readonly string[];
  /** Category clauses: one of each inner list (IsCategory="true"). */
  readonly categories?: readonly (readonly string[])[];
  /** Plain OR clauses. */
  readonly anyOf?: readonly (readonly string[])[];
}

export interface UpdateDocumentSpec {
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly type: 'Software' | 'Detectoid';
  readonly creationDate: string;
  readonly localized: readonly LocalizedText[];
  readonly prerequisites?: Prerequisites;
  readonly supersedes?: readonly string[];
  /** Bundle members (update id, revision number); a bundle has no files and no installer of its own. */
  readonly bundled?: readonly { updateId: string; revisionNumber: number }[];
  readonly files?: readonly DocumentFile[];
  readonly kbArticle?: string;
  /** Extra applicability conditions (registry checks) in IsInstalled: the Core fragment's weight. */
  readonly ruleCount?: number;
}

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function updateDocumentXml(spec: UpdateDocumentSpec): string {
  const isBundle = (spec.bundled?.length ?? 0) > 0;
  const hasInstaller = spec.type === 'Software' && !isBundle;
  const maxDownload = (spec.files ?? []).reduce((n, f) => n + f.size, 0);
  const props =
    `<upd:Properties UpdateType="${spec.type}" DefaultPropertiesLanguage="en"${hasInstaller ? ` Handler="${CMD_HANDLER}"` : ''}` +
    (spec.type === 'Software' ? ` MaxDownloadSize="${maxDownload}" MinDownloadSize="0"` : '') +
    ` PublicationState="Published" CreationDate="${spec.creationDate}" PublisherID="${PUBLISHER}">` +
    (spec.type === 'Software' ? '<upd:InstallationBehavior Impact="Minor" RebootBehavior="CanRequestReboot" />' : '') +
    (spec.kbArticle ? `<upd:KBArticleID>${spec.kbArticle}</upd:KBArticleID>` : '') +
    '</upd:Properties>';
  const localized = `<upd:LocalizedPropertiesCollection>${spec.localized
    .map((l) => `<upd:LocalizedProperties><upd:Language>${l.language}</upd:Language><upd:Title>${esc(l.title)}</upd:Title><upd:Description>${esc(l.description)}</upd:Description></upd:LocalizedProperties>`)
    .join('')}</upd:LocalizedPropertiesCollection>`;
  const id = (u: string, rev?: number): string => `<upd:UpdateIdentity UpdateID="${u}"${rev === undefined ? '' : ` RevisionNumber="${rev}"`} />`;
  const p = spec.prerequisites;
  const prereq =
    p && ((p.all?.length ?? 0) > 0 || (p.categories?.length ?? 0) > 0 || (p.anyOf?.length ?? 0) > 0)
      ? '<upd:Prerequisites>' +
        (p.all ?? []).map((u) => id(u)).join('') +
        (p.anyOf ?? []).map((c) => `<upd:AtLeastOne>${c.map((u) => id(u)).join('')}</upd:AtLeastOne>`).join('') +
        (p.categories ?? []).map((c) => `<upd:AtLeastOne IsCategory="true">${c.map((u) => id(u)).join('')}</upd:AtLeastOne>`).join('') +
        '</upd:Prerequisites>'
      : '';
  const superseded = spec.supersedes?.length ? `<upd:SupersededUpdates>${spec.supersedes.map((u) => id(u)).join('')}</upd:SupersededUpdates>` : '';
  const bundled = isBundle ? `<upd:BundledUpdates><upd:AtLeastOne>${spec.bundled!.map((b) => id(b.updateId, b.revisionNumber)).join('')}</upd:AtLeastOne></upd:BundledUpdates>` : '';
  const relationships = superseded || prereq || bundled ? `<upd:Relationships>${superseded}${prereq}${bundled}</upd:Relationships>` : '';
  const extraRules = Array.from(
    { length: spec.ruleCount ?? 0 },
    (_, i) => `<bar:RegSzToVersion Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Contoso\\Components\\C${i}" Value="Version" Comparison="GreaterThanOrEqualTo" Data="1.${i}.0.0" />`,
  ).join('');
  const rules = isBundle
    ? ''
    : spec.type === 'Detectoid'
      ? `<upd:ApplicabilityRules><upd:IsInstalled><bar:RegKeyExists Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Contoso\\Detect\\${spec.updateId}" /></upd:IsInstalled></upd:ApplicabilityRules>`
      : `<upd:ApplicabilityRules><upd:IsInstalled><lar:And><bar:FileVersion Path="contoso\\${spec.updateId.slice(0, 8)}.dll" Comparison="GreaterThanOrEqualTo" Version="1.0.${spec.revisionNumber}.0" Csidl="38" />${extraRules}</lar:And></upd:IsInstalled><upd:IsInstallable><lar:True /></upd:IsInstallable></upd:ApplicabilityRules>`;
  const files = spec.files?.length
    ? `<upd:Files>${spec.files
        .map(
          (f) =>
            `<upd:File Digest="${f.sha1Base64}" DigestAlgorithm="SHA1" FileName="${esc(f.fileName)}" Size="${f.size}" Modified="${spec.creationDate}"><upd:AdditionalDigest Algorithm="SHA256">${f.sha256Base64}</upd:AdditionalDigest></upd:File>`,
        )
        .join('')}</upd:Files>`
    : '';
  const handler =
    hasInstaller && spec.files?.[0]
      ? `<upd:HandlerSpecificData xsi:type="cmd:CommandLineInstallation" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><cmd:InstallCommand Program="${esc(spec.files[0].fileName)}" Arguments="/quiet /norestart"><cmd:ReturnCode Code="0" Result="Succeeded" /><cmd:ReturnCode Code="3010" Result="Succeeded" Reboot="true" /></cmd:InstallCommand></upd:HandlerSpecificData>`
      : '';
  return `<upd:Update ${NS}>${id(spec.updateId, spec.revisionNumber)}${props}${localized}${relationships}${rules}${files}${handler}</upd:Update>`;
}

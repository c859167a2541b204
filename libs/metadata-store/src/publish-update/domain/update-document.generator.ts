import { type ApplicabilityRule, braced, NS, namespacesOf, renderRule } from './applicability-rules.js';
import { CLASSIFICATIONS, LOCALLY_PUBLISHED_PRODUCT_ID } from './classifications.js';
import type { PublishedEula, PublishedFile, PublishUpdateRequest } from './publish-update.request.js';
import { attributes, element, textElement } from './xml-text.js';

/**
 * Writes the complete update document (CSAPI `upd:Update`) of one published revision. Pure: the
 * UpdateID, RevisionNumber and clock come in; the same arguments give the same bytes.
 *
 * Shape, element by element, follows what WSUS itself stores for a locally published update (its
 * SDP → upd:Update publishing transform) and the real documents in ../shared/fixtures:
 * - `Properties` attributes in the transform's order, so the Extended fragment comes out as the
 *   served MSI fixture's `<ExtendedProperties DefaultPropertiesLanguage IsLocallyPublished
 *   MinDownloadSize MaxDownloadSize Handler CanSourceBeRequired>`; children InstallationBehavior,
 *   UninstallationBehavior, MoreInfoUrl, SupportUrl, SecurityBulletinID, KBArticleID.
 * - `Relationships`: SupersededUpdates, then Prerequisites with the product(s) and the
 *   classification as `AtLeastOne IsCategory="true"` clauses (as KB2267602 names Definition Updates
 *   and Defender), then one `AtLeastOne` per prerequisite clause.
 * - `ApplicabilityRules`: IsInstalled, IsSuperseded, IsInstallable, Metadata.
 * - `Files/File`: `Digest FileName Size Modified DigestAlgorithm` + `AdditionalDigest SHA256`
 *   (the served MSI fixture's order).
 * - `HandlerSpecificData` with its `xsi:type` and the xsi declaration on the element itself, as in
 *   fixture 266f6222-…-r200.
 */

export const HANDLERS = {
  commandLine: 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation',
  windowsInstaller: 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsInstaller',
} as const;
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** The language of the one LocalizedProperties we write (and DefaultPropertiesLanguage). */
export const PUBLISH_LANGUAGE = 'en';

export interface GenerateArguments {
  /** Lower-case GUID: new for a new update, the existing one for a revision. */
  readonly updateId: string;
  readonly revisionNumber: number;
  /** Publish time: Properties/@CreationDate. */
  readonly now: Date;
  readonly files: readonly PublishedFile[];
  /** License terms the install needs accepted; none when absent. */
  readonly eula?: PublishedEula;
}

export function generateUpdateDocument(request: PublishUpdateRequest, args: GenerateArguments): string {
  const { installer } = request;
  const applicability = effectiveApplicability(request);
  const prefixes = new Set<keyof typeof NS>(['upd']);
  for (const rule of Object.values(applicability)) if (rule !== undefined) namespacesOf(rule, prefixes);
  if (installer.kind === 'windowsInstaller') prefixes.add('msiar');

  const handlerPrefix = installer.kind === 'commandLine' ? 'cmd' : 'msp';
  // Root declarations as in the fixtures: every prefix the document uses, `upd` last.
  const declarations: [string, string][] = [];
  for (const p of ['bar', 'lar', 'msiar'] as const) if (prefixes.has(p)) declarations.push([`xmlns:${p}`, NS[p]]);
  declarations.push([`xmlns:${handlerPrefix}`, HANDLERS[installer.kind]], ['xmlns:upd', NS.upd]);

  const body =
    `<upd:UpdateIdentity${attributes([
      ['UpdateID', args.updateId],
      ['RevisionNumber', args.revisionNumber],
    ])} />` +
    properties(request, args) +
    localizedProperties(request, args.eula) +
    relationships(request) +
    applicabilityRules(applicability, request) +
    files(args.files) +
    handlerSpecificData(request);
  return `<upd:Update${attributes(declarations)}>${body}</upd:Update>`;
}

function properties(request: PublishUpdateRequest, args: GenerateArguments): string {
  const total = args.files.reduce((sum, f) => sum + f.size, 0);
  const attrs = attributes([
    ['DefaultPropertiesLanguage', PUBLISH_LANGUAGE],
    ['CreationDate', args.now.toISOString()],
    ['IsLocallyPublished', true],
    ['UpdateType', 'Software'],
    ['ExplicitlyDeployable', true],
    ['PublicationState', 'Published'],
    // What makes the server require acceptance before an Install approval (MS-WSUSSS §3.1.1.1 EulaID).
    ['EulaID', args.eula?.eulaId],
    // Every file is needed to install, so the least and the most a client downloads are the same
    // (the served MSI fixture: MinDownloadSize = MaxDownloadSize = its one file).
    ['MinDownloadSize', total],
    ['MaxDownloadSize', total],
    ['Handler', HANDLERS[request.installer.kind]],
    ['MsrcSeverity', request.msrcSeverity],
    ['CanSourceBeRequired', request.installer.kind === 'windowsInstaller' ? false : undefined],
  ]);
  let children = behavior('upd:InstallationBehavior', request.installation);
  if (request.uninstallation !== undefined) children += behavior('upd:UninstallationBehavior', request.uninstallation);
  if (request.moreInfoUrl !== undefined) children += textElement('upd:MoreInfoUrl', request.moreInfoUrl);
  if (request.supportUrl !== undefined) children += textElement('upd:SupportUrl', request.supportUrl);
  if (request.securityBulletinId !== undefined) children += textElement('upd:SecurityBulletinID', request.securityBulletinId);
  if (request.kbArticleId !== undefined) children += textElement('upd:KBArticleID', request.kbArticleId);
  return element('upd:Properties', attrs, children);
}

function behavior(name: string, b: PublishUpdateRequest['installation']): string {
  // All four written, as the served MSI fixture has them, so no reader relies on defaults.
  return `<${name}${attributes([
    ['CanRequestUserInput', b.canRequestUserInput],
    ['RequiresNetworkConnectivity', b.requiresNetworkConnectivity],
    ['Impact', b.impact],
    ['RebootBehavior', b.rebootBehavior],
  ])} />`;
}

function localizedProperties(request: PublishUpdateRequest, eula: PublishedEula | undefined): string {
  let content = textElement('upd:Language', PUBLISH_LANGUAGE) + textElement('upd:Title', request.title);
  content += textElement('upd:Description', request.description);
  // KB2267602 repeats the URLs in its LocalizedProperties; WUA's IUpdate reads them from there.
  if (request.moreInfoUrl !== undefined) content += textElement('upd:MoreInfoUrl', request.moreInfoUrl);
  if (request.supportUrl !== undefined) content += textElement('upd:SupportUrl', request.supportUrl);
  return element('upd:LocalizedPropertiesCollection', '', element('upd:LocalizedProperties', '', content) + eulaFiles(eula));
}

/**
 * `EulaFile` per license text, after the LocalizedProperties, with the attributes of the MS-WUSP
 * <44> schema (Digest, DigestAlgorithm, FileName, Size, Language, GeoId) and the SHA-256 that
 * Windows 8+ WUA checks, in the order the Eula fragment keeps them.
 */
function eulaFiles(eula: PublishedEula | undefined): string {
  if (eula === undefined) return '';
  return eula.files
    .map(
      (f) =>
        `<upd:EulaFile${attributes([
          ['Digest', f.sha1],
          ['DigestAlgorithm', 'SHA1'],
          ['FileName', f.fileName],
          ['Size', f.size],
          ['Language', f.language],
          ['GeoId', f.geoId ?? undefined],
        ])}><upd:AdditionalDigest Algorithm="SHA256">${f.sha256}</upd:AdditionalDigest></upd:EulaFile>`,
    )
    .join('');
}

/** The categories as the document names them: product clause, then classification clause. */
export function categoryClauses(request: PublishUpdateRequest): string[][] {
  return [request.productIds ?? [LOCALLY_PUBLISHED_PRODUCT_ID], [CLASSIFICATIONS[request.classification]]];
}

function relationships(request: PublishUpdateRequest): string {
  const identity = (id: string) => `<upd:UpdateIdentity UpdateID="${id}" />`;
  let content = '';
  if (request.supersededUpdateIds.length > 0) {
    content += element('upd:SupersededUpdates', '', request.supersededUpdateIds.map(identity).join(''));
  }
  let prerequisites = '';
  for (const clause of categoryClauses(request)) {
    prerequisites += element('upd:AtLeastOne', ' IsCategory="true"', clause.map(identity).join(''));
  }
  for (const clause of request.prerequisites) prerequisites += element('upd:AtLeastOne', '', clause.map(identity).join(''));
  content += element('upd:Prerequisites', '', prerequisites);
  return element('upd:Relationships', '', content);
}

export interface EffectiveApplicability {
  readonly isInstalled?: ApplicabilityRule;
  readonly isSuperseded?: ApplicabilityRule;
  readonly isInstallable?: ApplicabilityRule;
}

/**
 * The rules as published. An MSI with no rules of its own gets the Windows Installer rules that
 * read the product code from MsiApplicationMetadata, as WSUS publishes MSI applications.
 */
export function effectiveApplicability(request: PublishUpdateRequest): EffectiveApplicability {
  const given = request.applicability;
  if (request.installer.kind !== 'windowsInstaller') return given;
  return {
    isInstalled: given.isInstalled ?? { type: 'MsiApplicationInstalled' },
    ...(given.isSuperseded === undefined ? {} : { isSuperseded: given.isSuperseded }),
    isInstallable: given.isInstallable ?? { type: 'MsiApplicationInstallable' },
  };
}

function applicabilityRules(rules: EffectiveApplicability, request: PublishUpdateRequest): string {
  let content = '';
  if (rules.isInstalled !== undefined) content += element('upd:IsInstalled', '', renderRule(rules.isInstalled));
  if (rules.isSuperseded !== undefined) content += element('upd:IsSuperseded', '', renderRule(rules.isSuperseded));
  if (rules.isInstallable !== undefined) content += element('upd:IsInstallable', '', renderRule(rules.isInstallable));
  if (request.installer.kind === 'windowsInstaller') {
    // MsiApplicabilityRules.xsd MsiApplicationMetadataStuff: the ProductCode the MsiApplication* rules read.
    const productCode = textElement('msiar:ProductCode', braced(request.installer.productCode));
    content += element('upd:Metadata', '', element('msiar:MsiApplicationMetadata', '', productCode));
  }
  return content === '' ? '' : element('upd:ApplicabilityRules', '', content);
}

function files(list: readonly PublishedFile[]): string {
  if (list.length === 0) return '';
  const out = list.map(
    (f) =>
      `<upd:File${attributes([
        ['Digest', f.sha1],
        ['FileName', f.fileName],
        ['Size', f.size],
        ['Modified', f.modified],
        ['DigestAlgorithm', 'SHA1'],
      ])}><upd:AdditionalDigest Algorithm="SHA256">${f.sha256}</upd:AdditionalDigest></upd:File>`,
  );
  return element('upd:Files', '', out.join(''));
}

function handlerSpecificData(request: PublishUpdateRequest): string {
  const { installer } = request;
  if (installer.kind === 'commandLine') {
    const codes = installer.returnCodes
      .map((r) => `<cmd:ReturnCode${attributes([['Code', r.code], ['Result', r.result], ['Reboot', r.reboot]])} />`)
      .join('');
    const command = element(
      'cmd:InstallCommand',
      attributes([
        ['Program', installer.program],
        ['Arguments', installer.arguments],
        ['DefaultResult', installer.defaultResult],
        ['RebootByDefault', installer.rebootByDefault],
      ]),
      codes,
    );
    return element('upd:HandlerSpecificData', attributes([['xsi:type', 'cmd:CommandLineInstallation'], ['xmlns:xsi', XSI_NS]]), command);
  }
  const msiData = `<msp:MsiData${attributes([
    ['ProductCode', braced(installer.productCode)],
    ['MsiFile', installer.msiFile],
    ['CommandLine', installer.commandLine],
    ['UninstallCommandLine', installer.uninstallCommandLine],
  ])} />`;
  return element('upd:HandlerSpecificData', attributes([['xsi:type', 'msp:WindowsInstallerApp'], ['xmlns:xsi', XSI_NS]]), msiData);
}

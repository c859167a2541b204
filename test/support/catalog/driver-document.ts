/**
 * Driver update documents (`upd:Update` with UpdateType="Driver") as Microsoft Update ships them:
 * the WindowsDriver handler, the WindowsDriverInstalled/Superseded/Installable rules, and one
 * `WindowsDriverMetaData` per hardware id (WindowsDriver.xsd, MS-WUSP §3.1.1.1 Driver tables) with
 * FeatureScore and Distribution/Target ComputerHardwareId children. Local publishing cannot make
 * drivers, so tests import these through `/api/v1/updates/import`.
 */
const NS =
  'xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update" ' +
  'xmlns:drv="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver"';
const DRIVER_HANDLER = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver';
const PUBLISHER = '395392a0-19c0-48b7-a927-f7c15066d905';

export interface DriverRowSpec {
  readonly hardwareId: string;
  readonly driverVerDate: string;
  readonly driverVerVersion: string;
  readonly class?: string;
  readonly manufacturer?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly whqlDriverId?: number;
  readonly compatibleProviders?: readonly string[];
  readonly featureScores?: readonly { operatingSystem: string; featureScore: number }[];
  readonly distributionComputerHardwareIds?: readonly string[];
  readonly targetComputerHardwareIds?: readonly string[];
}

export interface DriverDocumentSpec {
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly creationDate: string;
  readonly title: string;
  readonly rows: readonly DriverRowSpec[];
  /** Category clauses (IsCategory="true"): products and the Drivers classification. */
  readonly categories?: readonly (readonly string[])[];
  readonly file?: { readonly fileName: string; readonly sha1Base64: string; readonly sha256Base64: string; readonly size: number };
}

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function driverDocumentXml(spec: DriverDocumentSpec): string {
  const maxDownload = spec.file?.size ?? 0;
  const props =
    `<upd:Properties UpdateType="Driver" DefaultPropertiesLanguage="en" Handler="${DRIVER_HANDLER}" MaxDownloadSize="${maxDownload}" MinDownloadSize="0"` +
    ` PublicationState="Published" CreationDate="${spec.creationDate}" PublisherID="${PUBLISHER}">` +
    '<upd:InstallationBehavior Impact="Normal" RebootBehavior="CanRequestReboot" /></upd:Properties>';
  const localized = `<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>${esc(spec.title)}</upd:Title></upd:LocalizedProperties></upd:LocalizedPropertiesCollection>`;
  const categories = (spec.categories ?? []).filter((c) => c.length > 0);
  const relationships = categories.length
    ? `<upd:Relationships><upd:Prerequisites>${categories
        .map((c) => `<upd:AtLeastOne IsCategory="true">${c.map((u) => `<upd:UpdateIdentity UpdateID="${u}" />`).join('')}</upd:AtLeastOne>`)
        .join('')}</upd:Prerequisites></upd:Relationships>`
    : '';
  const metadata = spec.rows
    .map((r) => {
      const attrs =
        `HardwareID="${esc(r.hardwareId)}" WhqlDriverID="${r.whqlDriverId ?? 0}" Class="${esc(r.class ?? 'System')}" Company="${esc(r.provider ?? 'Contoso')}"` +
        ` Provider="${esc(r.provider ?? 'Contoso')}" Manufacturer="${esc(r.manufacturer ?? 'Contoso')}" Model="${esc(r.model ?? r.hardwareId)}"` +
        ` DriverVerDate="${r.driverVerDate}" DriverVerVersion="${r.driverVerVersion}"`;
      const children =
        (r.compatibleProviders ?? []).map((p) => `<drv:CompatibleProvider>${esc(p)}</drv:CompatibleProvider>`).join('') +
        (r.featureScores ?? []).map((f) => `<drv:FeatureScore OperatingSystem="${esc(f.operatingSystem)}" FeatureScore="${f.featureScore}" />`).join('') +
        (r.distributionComputerHardwareIds ?? []).map((c) => `<drv:DistributionComputerHardwareId>{${c.toUpperCase()}}</drv:DistributionComputerHardwareId>`).join('') +
        (r.targetComputerHardwareIds ?? []).map((c) => `<drv:TargetComputerHardwareId>{${c.toUpperCase()}}</drv:TargetComputerHardwareId>`).join('');
      return `<drv:WindowsDriverMetaData ${attrs}>${children}</drv:WindowsDriverMetaData>`;
    })
    .join('');
  const rules =
    '<upd:ApplicabilityRules><upd:IsInstalled><drv:WindowsDriverInstalled /></upd:IsInstalled>' +
    '<upd:IsSuperseded><drv:WindowsDriverSuperseded /></upd:IsSuperseded><upd:IsInstallable><drv:WindowsDriverInstallable /></upd:IsInstallable>' +
    `<upd:Metadata>${metadata}</upd:Metadata></upd:ApplicabilityRules>`;
  const f = spec.file;
  const files = f
    ? `<upd:Files><upd:File Digest="${f.sha1Base64}" DigestAlgorithm="SHA1" FileName="${esc(f.fileName)}" Size="${f.size}" Modified="${spec.creationDate}"><upd:AdditionalDigest Algorithm="SHA256">${f.sha256Base64}</upd:AdditionalDigest></upd:File></upd:Files>`
    : '';
  return `<upd:Update ${NS}><upd:UpdateIdentity UpdateID="${spec.updateId}" RevisionNumber="${spec.revisionNumber}" />${props}${localized}${relationships}${rules}${files}</upd:Update>`;
}

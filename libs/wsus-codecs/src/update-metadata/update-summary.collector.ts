import type {
  BundleClause,
  CategoryInformation,
  DriverFeatureScore,
  DriverMetadata,
  EulaFileInfo,
  FileDigest,
  InstallBehavior,
  LocalizedText,
  PrerequisiteClause,
  UpdateFile,
  UpdateIdentity,
  UpdateSummary,
  UpdateType,
} from './update-document.types.js';
import {
  invalid,
  missing,
  parseBoolean,
  parseDigest,
  parseGuid,
  parseNonNegativeInteger,
  parseOptionalInteger,
} from './update-values.parser.js';
import type { XmlAttribute } from './xml.tokenizer.js';

/**
 * Collects the index summary while the reader walks the document once. Paths are matched on local
 * names only: MS-WUSP §3.1.1.1 states its XPaths "unqualified", and real documents put
 * `CategoryInformation` in the Category handler namespace under the Update-namespace parent.
 */

const UPDATE_TYPES: ReadonlySet<string> = new Set(['Software', 'Driver', 'Category', 'Detectoid']);

/** Attributes by local name; namespace declarations are not attributes of the data. */
export function attributesByLocalName(attributes: readonly XmlAttribute[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of attributes) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const colon = name.indexOf(':');
    out[colon < 0 ? name : name.slice(colon + 1)] = value;
  }
  return out;
}

interface TextTarget {
  readonly depth: number;
  readonly chunks: string[];
  readonly done: (text: string) => void;
}

interface FileBuilder {
  readonly attributes: Record<string, string>;
  readonly path: string;
  readonly additional: FileDigest[];
}

interface DriverBuilder {
  readonly attributes: Record<string, string>;
  readonly featureScores: DriverFeatureScore[];
  readonly distribution: string[];
  readonly target: string[];
  readonly compatibleProviders: string[];
}

export class UpdateSummaryCollector {
  private identity: UpdateIdentity | undefined;
  private properties: Record<string, string> | undefined;
  private readonly propertiesText = new Map<string, string>();
  private readonly languages: string[] = [];
  private installation: InstallBehavior | undefined;
  private uninstallation: InstallBehavior | undefined;
  private readonly prerequisites: PrerequisiteClause[] = [];
  private currentPrerequisite: { ids: string[]; isCategory: boolean } | undefined;
  private readonly bundles: BundleClause[] = [];
  private currentBundle: UpdateIdentity[] | undefined;
  private readonly superseded: string[] = [];
  private readonly files: UpdateFile[] = [];
  private currentFile: FileBuilder | undefined;
  private readonly localized: LocalizedText[] = [];
  private currentLocalized: { language?: string; title?: string; description?: string } | undefined;
  private readonly eulaFiles: EulaFileInfo[] = [];
  private category: CategoryInformation | undefined;
  private readonly drivers: DriverMetadata[] = [];
  private currentDriver: DriverBuilder | undefined;
  private handlerSpecificDataType: string | undefined;
  private hasApplicabilityRules = false;
  private textTarget: TextTarget | undefined;

  /** `path` holds the local names from the root to the element just opened (inclusive). */
  start(path: readonly string[], attributes: readonly XmlAttribute[]): void {
    const depth = path.length - 1;
    const local = path[depth];
    const parent = path[depth - 1];
    const section = path[1];
    switch (depth) {
      case 1:
        this.startTopLevel(local, attributes);
        return;
      case 2:
        if (section === 'Properties') this.startPropertiesChild(local, attributes, depth);
        else if (section === 'LocalizedPropertiesCollection') this.startLocalizationChild(local, attributes);
        else if (section === 'Files' && local === 'File') this.startFile(attributes);
        else if (section === 'HandlerSpecificData' && local === 'CategoryInformation') this.startCategory(attributes);
        return;
      case 3:
        if (section === 'Relationships') this.startRelationship(parent, local, attributes);
        else if (section === 'LocalizedPropertiesCollection' && parent === 'LocalizedProperties') {
          this.startLocalizedText(local, depth);
        } else if (section === 'Files' && local === 'AdditionalDigest') this.startAdditionalDigest(attributes, depth);
        else if (section === 'ApplicabilityRules' && parent === 'Metadata' && local === 'WindowsDriverMetaData') {
          this.startDriver(attributes);
        }
        return;
      case 4:
        if (section === 'Relationships' && parent === 'AtLeastOne') this.startClauseMember(path[2], attributes);
        else if (section === 'ApplicabilityRules' && parent === 'WindowsDriverMetaData') {
          this.startDriverChild(local, attributes, depth);
        }
        return;
      default:
        return;
    }
  }

  text(depth: number, text: string): void {
    if (this.textTarget !== undefined && this.textTarget.depth === depth) this.textTarget.chunks.push(text);
  }

  /** `path` still includes the element being closed. */
  end(path: readonly string[]): void {
    const depth = path.length - 1;
    const local = path[depth];
    const target = this.textTarget;
    if (target !== undefined && target.depth === depth) {
      this.textTarget = undefined;
      target.done(target.chunks.join(''));
    }
    if (depth === 2 && path[1] === 'Files' && local === 'File') this.endFile();
    else if (depth === 2 && path[1] === 'LocalizedPropertiesCollection' && local === 'LocalizedProperties') {
      this.endLocalized();
    } else if (depth === 3 && path[1] === 'Relationships' && local === 'AtLeastOne') this.endAtLeastOne(path[2]);
    else if (depth === 3 && local === 'WindowsDriverMetaData') this.endDriver();
  }

  /** Language of the LocalizedProperties element closed last (the reader keys its fragment by it). */
  lastLocalizedLanguage(): string | undefined {
    return this.localized.at(-1)?.language;
  }

  finish(): UpdateSummary {
    if (this.identity === undefined) missing('element required', '/Update/UpdateIdentity');
    const properties = this.properties;
    if (properties === undefined) missing('element required', '/Update/Properties');
    const updateType = properties['UpdateType'];
    if (updateType === undefined) missing('attribute required', '/Update/Properties/@UpdateType');
    if (!UPDATE_TYPES.has(updateType)) {
      invalid(`"${updateType}" is not Software, Driver, Category or Detectoid`, '/Update/Properties/@UpdateType');
    }
    const p = '/Update/Properties/@';
    const defaultLanguage = properties['DefaultPropertiesLanguage'];
    const preferred =
      this.localized.find((l) => sameLocale(l.language, defaultLanguage)) ??
      this.localized.find((l) => sameLocale(l.language, 'en')) ??
      this.localized[0];
    const reboot = this.installation?.rebootBehavior;
    const eulaId = properties['EulaID'];
    return {
      identity: this.identity,
      updateType: updateType as UpdateType,
      handler: properties['Handler'],
      handlerSpecificDataType: this.handlerSpecificDataType,
      defaultPropertiesLanguage: defaultLanguage,
      isBundle: this.bundles.some((b) => b.members.length > 0),
      bundledUpdates: this.bundles,
      prerequisites: this.prerequisites,
      supersededUpdateIds: this.superseded,
      categoryIds: this.prerequisites.filter((c) => c.isCategory).flatMap((c) => c.updateIds),
      files: this.files,
      languages: this.languages,
      localizedLanguages: this.localized.map((l) => l.language),
      localized: this.localized,
      title: preferred?.title,
      description: preferred?.description,
      eulaId: eulaId === undefined ? undefined : parseGuid(eulaId, `${p}EulaID`),
      eulaFiles: this.eulaFiles,
      hasEula: eulaId !== undefined || this.eulaFiles.length > 0,
      isPublic: parseBoolean(properties['IsPublic'], true, `${p}IsPublic`),
      explicitlyDeployable: parseBoolean(properties['ExplicitlyDeployable'], false, `${p}ExplicitlyDeployable`),
      autoSelectOnWebSites: parseBoolean(properties['AutoSelectOnWebSites'], false, `${p}AutoSelectOnWebSites`),
      isLocallyPublished: parseBoolean(properties['IsLocallyPublished'], false, `${p}IsLocallyPublished`),
      publicationState: properties['PublicationState'],
      creationDate: properties['CreationDate'],
      publisherId: properties['PublisherID'],
      maxDownloadSize: parseOptionalInteger(properties['MaxDownloadSize'], `${p}MaxDownloadSize`),
      minDownloadSize: parseOptionalInteger(properties['MinDownloadSize'], `${p}MinDownloadSize`),
      kbArticleId: this.propertiesText.get('KBArticleID'),
      securityBulletinId: this.propertiesText.get('SecurityBulletinID'),
      supportUrl: this.propertiesText.get('SupportUrl'),
      installationBehavior: this.installation,
      uninstallationBehavior: this.uninstallation,
      requiresReboot: reboot === 'AlwaysRequiresReboot',
      mayRequireReboot: reboot === 'AlwaysRequiresReboot' || reboot === 'CanRequestReboot',
      canRequestUserInput: this.installation?.canRequestUserInput ?? false,
      isUninstallable: this.uninstallation !== undefined,
      category: this.category,
      drivers: this.drivers,
      hasApplicabilityRules: this.hasApplicabilityRules,
      properties,
    };
  }

  private startTopLevel(local: string | undefined, attributes: readonly XmlAttribute[]): void {
    switch (local) {
      case 'UpdateIdentity': {
        const a = attributesByLocalName(attributes);
        this.identity = {
          updateId: parseGuid(a['UpdateID'], '/Update/UpdateIdentity/@UpdateID'),
          revisionNumber: parseNonNegativeInteger(a['RevisionNumber'], '/Update/UpdateIdentity/@RevisionNumber'),
        };
        return;
      }
      case 'Properties':
        this.properties = attributesByLocalName(attributes);
        return;
      case 'ApplicabilityRules':
        this.hasApplicabilityRules = true;
        return;
      case 'HandlerSpecificData':
        // The schema types this element with xsi:type; the local name is what WSUS keeps (`type`).
        this.handlerSpecificDataType = attributesByLocalName(attributes)['type'];
        return;
      default:
        return;
    }
  }

  private startPropertiesChild(local: string | undefined, attributes: readonly XmlAttribute[], depth: number): void {
    if (local === 'InstallationBehavior') this.installation = installBehavior(attributes, local);
    else if (local === 'UninstallationBehavior') this.uninstallation = installBehavior(attributes, local);
    else if (local === 'Language') this.captureText(depth, (t) => this.languages.push(t));
    else if (local !== undefined) {
      this.captureText(depth, (t) => {
        if (!this.propertiesText.has(local)) this.propertiesText.set(local, t);
      });
    }
  }

  private startLocalizationChild(local: string | undefined, attributes: readonly XmlAttribute[]): void {
    if (local === 'LocalizedProperties') {
      this.currentLocalized = {};
    } else if (local === 'EulaFile') {
      const path = '/Update/LocalizedPropertiesCollection/EulaFile';
      const a = attributesByLocalName(attributes);
      const language = a['Language'];
      if (language === undefined) missing('attribute required', `${path}/@Language`);
      const algorithm = a['DigestAlgorithm'] ?? 'SHA1';
      this.eulaFiles.push({
        language,
        geoId: a['GeoId'] === '' ? undefined : a['GeoId'],
        fileName: a['FileName'],
        digest: a['Digest'] === undefined ? undefined : parseDigest(a['Digest'], algorithm, `${path}/@Digest`),
        size: a['Size'] === undefined ? undefined : parseNonNegativeInteger(a['Size'], `${path}/@Size`),
      });
    }
  }

  private startLocalizedText(local: string | undefined, depth: number): void {
    const current = this.currentLocalized;
    if (current === undefined) return;
    if (local === 'Language') this.captureText(depth, (t) => (current.language = t));
    else if (local === 'Title') this.captureText(depth, (t) => (current.title = t));
    else if (local === 'Description') this.captureText(depth, (t) => (current.description = t));
  }

  private endLocalized(): void {
    const current = this.currentLocalized;
    this.currentLocalized = undefined;
    if (current?.language === undefined || current.language.trim() === '') {
      missing('Language required', '/Update/LocalizedPropertiesCollection/LocalizedProperties/Language');
    }
    this.localized.push({ language: current.language, title: current.title, description: current.description });
  }

  private startRelationship(
    group: string | undefined,
    local: string | undefined,
    attributes: readonly XmlAttribute[],
  ): void {
    const path = `/Update/Relationships/${group ?? ''}/${local ?? ''}`;
    const a = attributesByLocalName(attributes);
    if (local === 'AtLeastOne') {
      if (group === 'Prerequisites') {
        this.currentPrerequisite = { ids: [], isCategory: parseBoolean(a['IsCategory'], false, `${path}/@IsCategory`) };
      } else if (group === 'BundledUpdates') {
        this.currentBundle = [];
      }
      return;
    }
    if (local !== 'UpdateIdentity') return;
    if (group === 'Prerequisites') {
      this.prerequisites.push({
        updateIds: [parseGuid(a['UpdateID'], `${path}/@UpdateID`)],
        isCategory: false,
        atLeastOne: false,
      });
    } else if (group === 'SupersededUpdates') {
      this.superseded.push(parseGuid(a['UpdateID'], `${path}/@UpdateID`));
    } else if (group === 'BundledUpdates') {
      // The spec's XPath only names AtLeastOne members; a bare member is read as its own clause.
      this.bundles.push({ members: [bundleMember(a, path)] });
    }
  }

  private startClauseMember(group: string | undefined, attributes: readonly XmlAttribute[]): void {
    const path = `/Update/Relationships/${group ?? ''}/AtLeastOne/UpdateIdentity`;
    const a = attributesByLocalName(attributes);
    if (group === 'Prerequisites' && this.currentPrerequisite !== undefined) {
      this.currentPrerequisite.ids.push(parseGuid(a['UpdateID'], `${path}/@UpdateID`));
    } else if (group === 'BundledUpdates' && this.currentBundle !== undefined) {
      this.currentBundle.push(bundleMember(a, path));
    }
  }

  private endAtLeastOne(group: string | undefined): void {
    if (group === 'Prerequisites' && this.currentPrerequisite !== undefined) {
      const { ids, isCategory } = this.currentPrerequisite;
      this.currentPrerequisite = undefined;
      // An empty OR-clause can never be satisfied; it is a broken document, not an unreachable update.
      if (ids.length === 0) missing('AtLeastOne without UpdateIdentity', '/Update/Relationships/Prerequisites/AtLeastOne');
      this.prerequisites.push({ updateIds: ids, isCategory, atLeastOne: true });
    } else if (group === 'BundledUpdates' && this.currentBundle !== undefined) {
      const members = this.currentBundle;
      this.currentBundle = undefined;
      if (members.length === 0) missing('AtLeastOne without UpdateIdentity', '/Update/Relationships/BundledUpdates/AtLeastOne');
      this.bundles.push({ members });
    }
  }

  private startFile(attributes: readonly XmlAttribute[]): void {
    this.currentFile = {
      attributes: attributesByLocalName(attributes),
      path: `/Update/Files/File[${this.files.length + 1}]`,
      additional: [],
    };
  }

  private startAdditionalDigest(attributes: readonly XmlAttribute[], depth: number): void {
    const file = this.currentFile;
    if (file === undefined) return;
    const path = `${file.path}/AdditionalDigest`;
    const algorithm = attributesByLocalName(attributes)['Algorithm'];
    if (algorithm === undefined) missing('attribute required', `${path}/@Algorithm`);
    this.captureText(depth, (t) => file.additional.push(parseDigest(t, algorithm, path)));
  }

  private endFile(): void {
    const file = this.currentFile;
    this.currentFile = undefined;
    if (file === undefined) return;
    const a = file.attributes;
    const fileName = a['FileName'];
    if (fileName === undefined) missing('attribute required', `${file.path}/@FileName`);
    const algorithm = a['DigestAlgorithm'] ?? 'SHA1';
    this.files.push({
      fileName,
      size: parseNonNegativeInteger(a['Size'], `${file.path}/@Size`),
      modified: a['Modified'],
      digest: parseDigest(a['Digest'], algorithm, `${file.path}/@Digest`),
      additionalDigests: file.additional,
      sha256Base64: file.additional.find((d) => d.algorithm.toUpperCase() === 'SHA256')?.base64,
      patchingType: a['PatchingType'],
      isEncrypted: parseBoolean(a['IsEncrypted'], false, `${file.path}/@IsEncrypted`),
    });
  }

  private startCategory(attributes: readonly XmlAttribute[]): void {
    const a = attributesByLocalName(attributes);
    const categoryType = a['CategoryType'];
    if (categoryType === undefined) {
      missing('attribute required', '/Update/HandlerSpecificData/CategoryInformation/@CategoryType');
    }
    this.category = { categoryType, attributes: a };
  }

  private startDriver(attributes: readonly XmlAttribute[]): void {
    this.currentDriver = {
      attributes: attributesByLocalName(attributes),
      featureScores: [],
      distribution: [],
      target: [],
      compatibleProviders: [],
    };
  }

  private startDriverChild(local: string | undefined, attributes: readonly XmlAttribute[], depth: number): void {
    const driver = this.currentDriver;
    if (driver === undefined) return;
    const path = '/Update/ApplicabilityRules/Metadata/WindowsDriverMetaData';
    if (local === 'FeatureScore') {
      const a = attributesByLocalName(attributes);
      const operatingSystem = a['OperatingSystem'];
      if (operatingSystem === undefined) missing('attribute required', `${path}/FeatureScore/@OperatingSystem`);
      driver.featureScores.push({
        operatingSystem,
        featureScore: parseNonNegativeInteger(a['FeatureScore'], `${path}/FeatureScore/@FeatureScore`),
      });
    } else if (local === 'DistributionComputerHardwareId') {
      this.captureText(depth, (t) => driver.distribution.push(parseGuid(unbrace(t), `${path}/${local}`)));
    } else if (local === 'TargetComputerHardwareId') {
      this.captureText(depth, (t) => driver.target.push(parseGuid(unbrace(t), `${path}/${local}`)));
    } else if (local === 'CompatibleProvider') {
      this.captureText(depth, (t) => driver.compatibleProviders.push(t.trim()));
    }
  }

  private endDriver(): void {
    const driver = this.currentDriver;
    this.currentDriver = undefined;
    if (driver === undefined) return;
    const a = driver.attributes;
    const hardwareId = a['HardwareID'];
    if (hardwareId === undefined) {
      missing('attribute required', '/Update/ApplicabilityRules/Metadata/WindowsDriverMetaData/@HardwareID');
    }
    this.drivers.push({
      hardwareId,
      driverVerDate: a['DriverVerDate'],
      driverVerVersion: a['DriverVerVersion'],
      class: a['Class'],
      manufacturer: a['Manufacturer'],
      provider: a['Provider'],
      model: a['Model'],
      whqlDriverId: a['WhqlDriverID'],
      featureScores: driver.featureScores,
      distributionComputerHardwareIds: driver.distribution,
      targetComputerHardwareIds: driver.target,
      compatibleProviders: driver.compatibleProviders,
    });
  }

  private captureText(depth: number, done: (text: string) => void): void {
    this.textTarget = { depth, chunks: [], done };
  }
}

function installBehavior(attributes: readonly XmlAttribute[], element: string): InstallBehavior {
  const a = attributesByLocalName(attributes);
  const path = `/Update/Properties/${element}/@`;
  return {
    impact: a['Impact'] ?? 'Normal',
    rebootBehavior: a['RebootBehavior'] ?? 'NeverReboots',
    canRequestUserInput: parseBoolean(a['CanRequestUserInput'], false, `${path}CanRequestUserInput`),
    requiresNetworkConnectivity: parseBoolean(
      a['RequiresNetworkConnectivity'],
      false,
      `${path}RequiresNetworkConnectivity`,
    ),
    attributes: a,
  };
}

function bundleMember(a: Readonly<Record<string, string>>, path: string): UpdateIdentity {
  // A bundle names exact revisions (MS-WUSP §3.1.1.1 Bundle table matches UpdateID AND RevisionNumber).
  return {
    updateId: parseGuid(a['UpdateID'], `${path}/@UpdateID`),
    revisionNumber: parseNonNegativeInteger(a['RevisionNumber'], `${path}/@RevisionNumber`),
  };
}

/** Computer hardware ids are GUIDs, written with or without registry-style braces. */
function unbrace(text: string): string {
  const t = text.trim();
  return t.startsWith('{') && t.endsWith('}') ? t.slice(1, -1) : t;
}

function sameLocale(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}


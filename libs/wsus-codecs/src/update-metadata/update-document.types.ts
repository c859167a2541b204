/**
 * What the server's indexes need from one update revision document (MS-WUSP §3.1.1.1 and
 * MS-WSUSSS §3.1.1.1 XPath tables), as plain readonly data. GUIDs are lower-cased so they compare
 * as GUIDs; the fragments keep the case the document used (WSUS serves it unchanged, e.g.
 * `56309036-4C77-…` in fixture 06-SyncUpdates-first).
 */

/** `/Update/Properties/@UpdateType` (MS-WUSP §3.1.1 Revision table). */
export type UpdateType = 'Software' | 'Driver' | 'Category' | 'Detectoid';

export interface UpdateIdentity {
  /** Lower-case GUID. */
  readonly updateId: string;
  readonly revisionNumber: number;
}

/**
 * One OR-clause of the prerequisite CNF (MS-WUSP §3.1.1 Prerequisite table): the revision needs at
 * least one of `updateIds` installed. A bare `Prerequisites/UpdateIdentity` is a clause of one.
 */
export interface PrerequisiteClause {
  readonly updateIds: readonly string[];
  /** `AtLeastOne/@IsCategory`; always false for bare UpdateIdentity clauses. */
  readonly isCategory: boolean;
  /** True when the clause came from an `AtLeastOne` element. */
  readonly atLeastOne: boolean;
}

/** One OR-clause of bundled revisions (MS-WUSP §3.1.1 Bundle table): UpdateID and RevisionNumber. */
export interface BundleClause {
  readonly members: readonly UpdateIdentity[];
}

export type RebootBehavior = 'NeverReboots' | 'AlwaysRequiresReboot' | 'CanRequestReboot';
export type InstallationImpact = 'Normal' | 'Minor' | 'RequiresExclusiveHandling';

/**
 * `Properties/InstallationBehavior` or `UninstallationBehavior`. Absent attributes take the schema
 * defaults WUA assumes (Impact Normal, RebootBehavior NeverReboots, booleans false); the raw
 * attributes are kept for anything else.
 */
export interface InstallBehavior {
  readonly impact: string;
  readonly rebootBehavior: string;
  readonly canRequestUserInput: boolean;
  readonly requiresNetworkConnectivity: boolean;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface FileDigest {
  readonly algorithm: string;
  readonly base64: string;
  /** Upper-case hex, the form WSUS content URLs use (`/Content/<last 2>/<SHA-1>.<ext>`). */
  readonly hex: string;
}

/** `/Update/Files/File` (MS-WUSP <26>, §10.1 of wusp.md). */
export interface UpdateFile {
  readonly fileName: string;
  readonly size: number;
  readonly modified: string | undefined;
  /** `@Digest` with `@DigestAlgorithm` (SHA1 in every known document). */
  readonly digest: FileDigest;
  /** `AdditionalDigest` children (SHA256 required by Windows 8+ WUA). */
  readonly additionalDigests: readonly FileDigest[];
  /** Convenience: the SHA256 AdditionalDigest in base64, if present. */
  readonly sha256Base64: string | undefined;
  readonly patchingType: string | undefined;
  readonly isEncrypted: boolean;
}

export interface LocalizedText {
  readonly language: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
}

/** `/Update/LocalizedPropertiesCollection/EulaFile` (MS-WUSP <44>). */
export interface EulaFileInfo {
  readonly language: string;
  readonly geoId: string | undefined;
  readonly fileName: string | undefined;
  readonly digest: FileDigest | undefined;
  /** `@Size` in bytes (required by MS-WUSP <44>, absent in some hand-made documents). */
  readonly size: number | undefined;
}

/** `/Update/HandlerSpecificData/CategoryInformation` of a Category revision. */
export interface CategoryInformation {
  /** Company, ProductFamily, Product, UpdateClassification… (MS-WSUSSS §3.1.1.1 CategoryType). */
  readonly categoryType: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DriverFeatureScore {
  readonly operatingSystem: string;
  readonly featureScore: number;
}

/** One `ApplicabilityRules/Metadata/WindowsDriverMetaData` row (MS-WUSP §3.1.1.1 Driver tables). */
export interface DriverMetadata {
  readonly hardwareId: string;
  readonly driverVerDate: string | undefined;
  readonly driverVerVersion: string | undefined;
  readonly class: string | undefined;
  readonly manufacturer: string | undefined;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly whqlDriverId: string | undefined;
  readonly featureScores: readonly DriverFeatureScore[];
  readonly distributionComputerHardwareIds: readonly string[];
  readonly targetComputerHardwareIds: readonly string[];
  /** `CompatibleProvider` children (printer drivers, WindowsDriver.xsd). */
  readonly compatibleProviders: readonly string[];
}

export interface UpdateSummary {
  readonly identity: UpdateIdentity;
  readonly updateType: UpdateType;
  readonly handler: string | undefined;
  /** `HandlerSpecificData/@xsi:type`, prefix kept as written (e.g. `cmd:CommandLineInstallation`). */
  readonly handlerSpecificDataType: string | undefined;
  readonly defaultPropertiesLanguage: string | undefined;

  /** True when `BundledUpdates` names at least one revision. */
  readonly isBundle: boolean;
  readonly bundledUpdates: readonly BundleClause[];
  readonly prerequisites: readonly PrerequisiteClause[];
  readonly supersededUpdateIds: readonly string[];
  /** UpdateIDs of `AtLeastOne IsCategory="true"` clauses (products/classifications per WSUS). */
  readonly categoryIds: readonly string[];

  readonly files: readonly UpdateFile[];
  /**
   * Content languages from `Properties/Language` (e.g. `all` for OS installers); empty when the
   * document has none, which WSUS treats as language-neutral.
   */
  readonly languages: readonly string[];
  /** `Language` of each `LocalizedPropertiesCollection/LocalizedProperties`, in document order. */
  readonly localizedLanguages: readonly string[];
  readonly localized: readonly LocalizedText[];
  /** Title/description in DefaultPropertiesLanguage, else `en`, else the first localization. */
  readonly title: string | undefined;
  readonly description: string | undefined;

  readonly eulaId: string | undefined;
  readonly eulaFiles: readonly EulaFileInfo[];
  readonly hasEula: boolean;

  /** `@IsPublic`, default true (WSUS drops the default value, observed-interop.md §A.4). */
  readonly isPublic: boolean;
  readonly explicitlyDeployable: boolean;
  readonly autoSelectOnWebSites: boolean;
  readonly isLocallyPublished: boolean;
  readonly publicationState: string | undefined;
  readonly creationDate: string | undefined;
  readonly publisherId: string | undefined;
  readonly maxDownloadSize: number | undefined;
  readonly minDownloadSize: number | undefined;
  readonly kbArticleId: string | undefined;
  readonly securityBulletinId: string | undefined;
  readonly supportUrl: string | undefined;

  readonly installationBehavior: InstallBehavior | undefined;
  readonly uninstallationBehavior: InstallBehavior | undefined;
  /** InstallationBehavior RebootBehavior is AlwaysRequiresReboot. */
  readonly requiresReboot: boolean;
  /** RebootBehavior is AlwaysRequiresReboot or CanRequestReboot. */
  readonly mayRequireReboot: boolean;
  readonly canRequestUserInput: boolean;
  readonly isUninstallable: boolean;

  readonly category: CategoryInformation | undefined;
  readonly drivers: readonly DriverMetadata[];
  readonly hasApplicabilityRules: boolean;
  /** Every Properties attribute as written, keyed by local name. */
  readonly properties: Readonly<Record<string, string>>;
}

/** One EULA fragment (MS-WUSP §3.1.1.1 "Eula"): keyed by locale and optional GeoId. */
export interface EulaFragment {
  readonly locale: string;
  /** ISO-3166 three-letter region; undefined = "Rest of World" (MS-WUSP <43>). */
  readonly geoId: string | undefined;
  readonly xml: string;
}

/** The metadata-table entries WSUS derives from one revision (MS-WUSP §3.1.1.1). */
export interface MetadataFragments {
  readonly core: string;
  readonly extended: string;
  /** Keyed by the `Language` text exactly as the document writes it (`en`, `pt-br`, `zh-cn`…). */
  readonly localized: ReadonlyMap<string, string>;
  readonly eula: readonly EulaFragment[];
}

export interface UpdateDocument {
  readonly summary: UpdateSummary;
  readonly fragments: MetadataFragments;
}

export interface ReadOptions {
  readonly maxChars?: number;
  readonly maxDepth?: number;
  readonly maxAttributesPerElement?: number;
}

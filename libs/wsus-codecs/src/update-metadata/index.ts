/**
 * Update metadata documents (CSAPI Update Schema) → index summary + MS-WUSP metadata fragments.
 * Pure TypeScript, no Nest: see update-document.reader.ts for the rendering rules.
 */
export { parseUpdateDocument, deriveFragments } from './update-document.parser.js';
export { readUpdateDocument } from './update-document.reader.js';
export { driverVersionToLong, driverVersionFromLong } from './driver-version.js';
export { selectLocalizedProperties, fallbackChain, type SelectedLocale } from './localized-properties.selector.js';
export {
  prerequisiteTargets,
  isLeaf,
  resolveCategories,
  type ResolvedCategories,
} from './update-relationships.resolver.js';
export { UpdateMetadataError, isUpdateMetadataError, type UpdateMetadataErrorCode } from './update-metadata.errors.js';
export { XmlTokenizer, type XmlToken, type XmlAttribute, type XmlLimits } from './xml.tokenizer.js';
export type {
  BundleClause,
  CategoryInformation,
  DriverFeatureScore,
  DriverMetadata,
  EulaFileInfo,
  EulaFragment,
  FileDigest,
  InstallBehavior,
  InstallationImpact,
  LocalizedText,
  MetadataFragments,
  PrerequisiteClause,
  ReadOptions,
  RebootBehavior,
  UpdateDocument,
  UpdateFile,
  UpdateIdentity,
  UpdateSummary,
  UpdateType,
} from './update-document.types.js';

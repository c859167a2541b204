import type { DriverMetadataRowData, RecordedEvent, UpdateRevisionImportedData } from '#contracts';
import { type DriverMetadata, driverVersionToLong, type UpdateDocument, type UpdateFile } from '#wsus-codecs/update-metadata';

/**
 * Whether a document enters the catalog, decided from the update's own stream. Pure: the stream's
 * events, the parsed document and its hash come in; a decision comes out. The RevisionID is
 * allocated by the caller only for a `new` decision, so ids stay dense-ish and stable.
 */

/** One revision of the update already in the log. */
export interface ImportedRevision {
  readonly revisionId: number;
  readonly revisionNumber: number;
  readonly documentSha256: string;
}

export interface UpdateImportState {
  /** By RevisionNumber. */
  readonly revisions: ReadonlyMap<number, ImportedRevision>;
}

export const initialImportState: UpdateImportState = { revisions: new Map() };

export function evolveImportState(state: UpdateImportState, event: Pick<RecordedEvent, 'type' | 'data'>): UpdateImportState {
  if (event.type !== 'UpdateRevisionImported') return state;
  const data = event.data as UpdateRevisionImportedData;
  const revisions = new Map(state.revisions);
  // The first import of a revision number wins: the decider never lets a second one in.
  if (!revisions.has(data.revisionNumber)) {
    revisions.set(data.revisionNumber, {
      revisionId: data.revisionId,
      revisionNumber: data.revisionNumber,
      documentSha256: data.documentSha256,
    });
  }
  return { revisions };
}

export type ImportDecision =
  /** Same revision, same document: nothing to write, answer with the id it already has. */
  | { readonly kind: 'unchanged'; readonly revision: ImportedRevision }
  /** Same revision, another document: a revision is immutable once published (MS-WUSP §3.1.1). */
  | { readonly kind: 'conflict'; readonly revision: ImportedRevision }
  | { readonly kind: 'new' };

export function decideImport(state: UpdateImportState, revisionNumber: number, documentSha256: string): ImportDecision {
  const existing = state.revisions.get(revisionNumber);
  if (existing === undefined) return { kind: 'new' };
  return existing.documentSha256 === documentSha256
    ? { kind: 'unchanged', revision: existing }
    : { kind: 'conflict', revision: existing };
}

/** The event's data, from the parsed document. Problems are returned, not thrown, for one message. */
export function revisionImportedData(
  document: UpdateDocument,
  revisionId: number,
  documentSha256: string,
  source: UpdateRevisionImportedData['source'],
): { data: UpdateRevisionImportedData } | { problem: string } {
  const { summary } = document;
  const files: UpdateRevisionImportedData['files'] = [];
  for (const file of summary.files) {
    const sha1 = sha1Of(file);
    if (sha1 === undefined) {
      return { problem: `file ${file.fileName} has no SHA1 digest (DigestAlgorithm ${file.digest.algorithm})` };
    }
    files.push({ sha1, sha256: file.sha256Base64 ?? null, size: file.size, fileName: file.fileName });
  }
  const drivers: DriverMetadataRowData[] = [];
  if (summary.updateType === 'Driver') {
    for (const row of summary.drivers) {
      const built = driverRow(row);
      if ('problem' in built) return built;
      drivers.push(built.row);
    }
  }
  return {
    data: {
      revisionId,
      updateId: summary.identity.updateId,
      revisionNumber: summary.identity.revisionNumber,
      updateType: summary.updateType,
      categoryType: summary.updateType === 'Category' ? (summary.category?.categoryType ?? null) : null,
      title: summary.title ?? '',
      // Category clauses stay in the CNF: a client evaluates them like any other prerequisite.
      prerequisites: summary.prerequisites.map((clause) => [...clause.updateIds]),
      categoryIds: [...summary.categoryIds],
      bundledRevisions: summary.bundledUpdates.map((clause) =>
        clause.members.map((m) => ({ updateId: m.updateId, revisionNumber: m.revisionNumber })),
      ),
      supersededUpdateIds: [...summary.supersededUpdateIds],
      files,
      eulaId: summary.eulaId ?? null,
      languages: [...summary.languages],
      coreXml: document.fragments.core,
      documentSha256,
      source,
      // Only driver revisions carry rows: other events stay as they were before drivers existed.
      ...(summary.updateType === 'Driver' ? { drivers } : {}),
    },
  };
}

/**
 * One WindowsDriverMetaData row as the driver pass needs it. HardwareID, DriverVerDate and
 * DriverVerVersion decide the match, so a row without a usable one is refused (the XSD makes all three
 * required); the descriptive attributes default to '' when absent.
 */
function driverRow(d: DriverMetadata): { row: DriverMetadataRowData } | { problem: string } {
  const where = `WindowsDriverMetaData HardwareID="${d.hardwareId}"`;
  const date = /^(\d{4}-\d{2}-\d{2})(?:$|T|Z|[+-])/.exec(d.driverVerDate?.trim() ?? '')?.[1];
  if (date === undefined || Number.isNaN(Date.parse(date))) return { problem: `${where}: DriverVerDate "${d.driverVerDate ?? ''}" is not a date` };
  const version = d.driverVerVersion?.trim() ?? '';
  if (driverVersionToLong(version) === undefined) return { problem: `${where}: DriverVerVersion "${version}" is not a four-part version` };
  if (d.hardwareId.length === 0 || d.hardwareId.length > 200) return { problem: `${where}: HardwareID must be 1-200 characters` };
  const whql = d.whqlDriverId === undefined || !/^\d+$/.test(d.whqlDriverId.trim()) ? null : Number(d.whqlDriverId.trim());
  return {
    row: {
      hardwareId: d.hardwareId,
      driverVerDate: date,
      driverVerVersion: version,
      class: d.class ?? '',
      manufacturer: d.manufacturer ?? '',
      provider: d.provider ?? '',
      model: d.model ?? '',
      whqlDriverId: whql !== null && Number.isSafeInteger(whql) ? whql : null,
      compatibleProviders: [...d.compatibleProviders],
      featureScores: d.featureScores.filter((f) => f.featureScore <= 255).map((f) => ({ operatingSystem: f.operatingSystem, featureScore: f.featureScore })),
      distributionComputerHardwareIds: [...d.distributionComputerHardwareIds],
      targetComputerHardwareIds: [...d.targetComputerHardwareIds],
    },
  };
}

/** Base64 SHA-1 of a file: `@Digest` when it is SHA1 (every known document), else an AdditionalDigest. */
export function sha1Of(file: UpdateFile): string | undefined {
  if (file.digest.algorithm.toUpperCase() === 'SHA1') return file.digest.base64;
  return file.additionalDigests.find((d) => d.algorithm.toUpperCase() === 'SHA1')?.base64;
}

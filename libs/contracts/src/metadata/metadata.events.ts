import { z } from 'zod';
import { defineEvent } from '../events/event-schema-registry.js';
import { GUID_PATTERN } from '../well-known/well-known-ids.js';

const guid = z.string().regex(GUID_PATTERN, 'lower-case GUID');

export const UPDATE_TYPES = ['Software', 'Driver', 'Category', 'Detectoid'] as const;

export const UpdateFileReference = z.object({
  /** base64 SHA-1, as in the update XML and in /Content/<last two hex>/<hex>.<ext> URLs. */
  sha1: z.string().min(1),
  sha256: z.string().nullable(),
  size: z.number().int().nonnegative(),
  fileName: z.string(),
});

/**
 * One `WindowsDriverMetaData` row of a driver revision (MS-WUSP §3.1.1.1 Driver, Driver FeatureScore,
 * Driver Distribution/Target ComputerHardwareID tables): what the driver pass matches devices against.
 */
export const DriverMetadataRow = z.object({
  /** Hardware or compatible id the driver matches, as written in the INF (compared case-insensitively). */
  hardwareId: z.string().min(1).max(200),
  /** DriverVerDate, `yyyy-MM-dd`. */
  driverVerDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** DriverVerVersion, the four-part `a.b.c.d` as written (each part 0-65535; packed into 64 bits to compare). */
  driverVerVersion: z.string().regex(/^\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5}$/),
  /** SUS driver class (`Printers`/`Printer` for printer drivers). */
  class: z.string(),
  manufacturer: z.string(),
  provider: z.string(),
  model: z.string(),
  /** WHQL submission number (higher = submitted more recently); null when the document has none. */
  whqlDriverId: z.number().int().nonnegative().nullable(),
  /** Providers a printer driver may also replace (WindowsDriver.xsd `CompatibleProvider`). */
  compatibleProviders: z.array(z.string()),
  /** FeatureScore (0-255, lower is better) per OperatingSystem key `Arch.Major.Minor`. */
  featureScores: z.array(z.object({ operatingSystem: z.string().min(1), featureScore: z.number().int().min(0).max(255) })),
  distributionComputerHardwareIds: z.array(guid),
  targetComputerHardwareIds: z.array(guid),
});
export type DriverMetadataRowData = z.infer<typeof DriverMetadataRow>;

/**
 * One revision of an update entered the catalog (local publishing, import of WSUS XML, or sync).
 * Carries everything the scan path needs, so a gateway builds its index from the log alone: the
 * prerequisite and bundle graph, categories, files, and the Core fragment sent in SyncUpdates. The
 * full document and the other fragments stay in the metadata store (documentSha256).
 */
export const UpdateRevisionImported = defineEvent(
  'UpdateRevisionImported',
  1,
  z.object({
    /** Server-assigned RevisionID (MS-WUSP UpdateInfo.ID), unique per (updateId, revisionNumber). */
    revisionId: z.number().int().positive(),
    updateId: guid,
    revisionNumber: z.number().int().nonnegative(),
    updateType: z.enum(UPDATE_TYPES),
    /**
     * A Category revision's `HandlerSpecificData/CategoryInformation/@CategoryType` (Company,
     * ProductFamily, Product, UpdateClassification…), which StartCategoryScan and FilterCategoryIds
     * need; null for other update types. Absent from events written before it was recorded.
     */
    categoryType: z.string().min(1).max(64).nullable().optional(),
    title: z.string(),
    /** CNF: every inner list is an OR-clause of update ids; all clauses must hold. */
    prerequisites: z.array(z.array(guid)),
    /** Update ids of the categories among the prerequisites (IsCategory clauses): products, classifications. */
    categoryIds: z.array(guid),
    /** CNF of bundled revisions; empty when this is not a bundle. */
    bundledRevisions: z.array(z.array(z.object({ updateId: guid, revisionNumber: z.number().int().nonnegative() }))),
    supersededUpdateIds: z.array(guid),
    files: z.array(UpdateFileReference),
    eulaId: z.string().nullable(),
    languages: z.array(z.string()),
    /** The Core fragment exactly as SyncUpdates sends it (UpdateInfo.Xml). */
    coreXml: z.string(),
    /** Hex SHA-256 of the stored full update document. */
    documentSha256: z.string().regex(/^[0-9a-f]{64}$/),
    source: z.enum(['published', 'imported', 'synced']),
    /**
     * Driver revisions: their WindowsDriverMetaData rows. Optional so that events stored before it
     * existed still load (they read as a driver with no rows: never matched to a device).
     */
    drivers: z.array(DriverMetadataRow).optional(),
  }),
);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256');

/**
 * An administrator uploaded a file's bytes (PUT /api/v1/content/{sha256}), streamed and hashed on
 * the way to disk, so a later publish or import can name it by digest instead of carrying it.
 * The bytes live in the content directory; this records who put them there and what they hash to.
 */
export const ContentUploaded = defineEvent(
  'ContentUploaded',
  1,
  z.object({
    /** Lower-case hex SHA-256: the name the upload is addressed by. */
    sha256: sha256Hex,
    /** Base64 SHA-1, as update metadata (`File/@Digest`) and /Content paths use it. */
    sha1: z.string().min(1),
    size: z.number().int().nonnegative(),
  }),
);

/**
 * The uploaded bytes were removed (no revision referenced them): by an administrator, or by a
 * cleanup run (`runId`, absent from events written before cleanup removed uploads).
 */
export const ContentDeleted = defineEvent('ContentDeleted', 1, z.object({ sha256: sha256Hex, runId: z.string().uuid().optional() }));

/**
 * A cleanup run deleted an update file from the content directory: no live revision (one whose update
 * is not expired) names its SHA-1 any more, neither as a file nor as a license file. One event per file
 * on disk (`XX/<SHA1>.<ext>`); a file named with two extensions is two files.
 */
export const ContentFileDeleted = defineEvent(
  'ContentFileDeleted',
  1,
  z.object({
    /** Base64 SHA-1, as update metadata names the file. */
    sha1: z.string().min(1),
    /** Relative to the content directory, as in the URL after `/Content/`: `49/A379….exe`. */
    path: z.string().min(1),
    /** Bytes freed. */
    size: z.number().int().nonnegative(),
    runId: z.string().uuid(),
    /** The revisions (all of expired updates) that still named the file. */
    revisionIds: z.array(z.number().int().positive()),
  }),
);

export const METADATA_EVENTS = [UpdateRevisionImported, ContentUploaded, ContentDeleted, ContentFileDeleted] as const;
/** ContentFileDeleted events, one stream per SHA-1 (upper-case hex, as in the content path). */
export const contentFileStream = (sha1Hex: string): string => `content-file-${sha1Hex}`;
export type ContentUploadedData = z.infer<typeof ContentUploaded.schema>;
export const uploadedContentStream = (sha256Hex: string): string => `content-${sha256Hex}`;
export type UpdateRevisionImportedData = z.infer<typeof UpdateRevisionImported.schema>;
export const updateStream = (updateId: string): string => `update-${updateId}`;

import { subject } from '../subjects/subjects.js';
import { z } from 'zod';

/**
 * The metadata store's bus API: subjects, request payloads (zod, checked at the handler) and reply
 * shapes. Shared through #contracts so the gateway and sync-worker call it with the same types
 * (the metadata store validates requests with these schemas).
 */

export const MetadataSubjects = {
  importUpdate: subject('metadata', 'cmd', 'import-update'),
  fragments: subject('metadata', 'qry', 'fragments'),
  fileLocations: subject('metadata', 'qry', 'file-locations'),
  revision: subject('metadata', 'qry', 'revision'),
  eula: subject('metadata', 'qry', 'eula'),
  /** Payload: DeleteUnusedContentRequest; reply: DeleteUnusedContentReply. Asked by a cleanup run. */
  deleteUnusedContent: subject('metadata', 'cmd', 'delete-unused-content'),
} as const;

export const FRAGMENT_KINDS = ['Core', 'Extended', 'LocalizedProperties', 'Eula'] as const;
export type FragmentKind = (typeof FRAGMENT_KINDS)[number];

/** Bounds well above any real request (MaxExtendedUpdatesPerRequest is 50–100 in practice). */
export const MAX_REVISION_IDS_PER_QUERY = 5000;
export const MAX_SHA1S_PER_QUERY = 5000;
export const MAX_LOCALES_PER_QUERY = 64;
/** Keeps a cleanup request well under the bus's message size (a GUID is ~40 bytes of JSON). */
export const MAX_EXPIRING_UPDATE_IDS = 10_000;

const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID')
  .transform((s) => s.toLowerCase());
const revisionNumber = z.number().int().nonnegative().max(2_147_483_647);
const revisionId = z.number().int().positive().max(2_147_483_647);

export const ImportUpdateRequest = z.object({
  /** One full update document (`upd:Update`), as WSUS stores it and GetUpdateData carries it. */
  xml: z.string().min(1),
  source: z.enum(['published', 'imported', 'synced']),
  /** Bytes of some or all of the document's files; each is verified against its declared digests. */
  files: z
    .array(
      z.object({
        fileName: z.string().min(1),
        /** Picks the declared file when several share a name. */
        sha1: z.string().optional(),
        contentBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
      }),
    )
    .optional(),
  /** Who asked (an admin principal, `sync-worker`…), recorded as the event's actor. */
  actor: z.string().max(200).optional(),
});
export type ImportUpdateRequest = z.input<typeof ImportUpdateRequest>;

export interface ImportUpdateReply {
  readonly revisionId: number;
  readonly updateId: string;
  readonly revisionNumber: number;
  /** False when this exact revision and document were already in the catalog. */
  readonly created: boolean;
  /** new: the update's first revision; revised: a further one; expired: a revision published as Expired; unchanged: already held. */
  readonly change: 'new' | 'revised' | 'expired' | 'unchanged';
  /** Files whose bytes were stored by this request (URL paths). */
  readonly storedFiles: readonly string[];
}

export const FragmentsRequest = z.object({
  revisionIds: z.array(revisionId).max(MAX_REVISION_IDS_PER_QUERY),
  kinds: z.array(z.enum(FRAGMENT_KINDS)).min(1),
  /** Client locales in preference order (`en-US`, `en`); LocalizedProperties/Eula fall back per selectLocalizedProperties. */
  locales: z.array(z.string().max(85)).max(MAX_LOCALES_PER_QUERY).default([]),
});
export type FragmentsRequest = z.input<typeof FragmentsRequest>;

export interface FragmentReply {
  readonly kind: FragmentKind;
  /** The locale as the document writes it; null for Core and Extended. */
  readonly locale: string | null;
  /** Eula only: ISO-3166 region, null = rest of world. */
  readonly geoId: string | null;
  readonly xml: string;
}

export interface RevisionFragmentsReply {
  readonly revisionId: number;
  readonly fragments: readonly FragmentReply[];
}

/** Revisions in request order; ids the store does not know are left out. */
export type FragmentsReply = readonly RevisionFragmentsReply[];

export const FileLocationsRequest = z.object({
  /** Base64 SHA-1 digests, as in the metadata and GetFileLocations. */
  sha1s: z.array(z.string().min(1).max(64)).max(MAX_SHA1S_PER_QUERY),
});
export type FileLocationsRequest = z.input<typeof FileLocationsRequest>;

export interface FileLocationReply {
  /** As requested. */
  readonly sha1: string;
  /** `/Content/XX/HEX.ext`; null when no revision names this file (its extension is unknown). */
  readonly urlPath: string | null;
  /** Declared size; null when unknown. */
  readonly size: number | null;
  /** Whether the verified bytes are in the content store. */
  readonly exists: boolean;
  readonly fileName: string | null;
  readonly sha256: string | null;
}
export type FileLocationsReply = readonly FileLocationReply[];

export const RevisionRequest = z.object({
  updateId: guid,
  /** Absent: the update's highest revision number. */
  revisionNumber: revisionNumber.optional(),
});
export type RevisionRequest = z.input<typeof RevisionRequest>;

export interface RevisionReply {
  readonly revisionId: number;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly updateType: string;
  readonly title: string;
  readonly documentSha256: string;
  readonly source: string;
  readonly importedAt: string;
}

export const EulaRequest = z.object({
  revisionId,
  /** Preferred locales (`de-AT`, `de`); chosen like LocalizedProperties (exact, neutral parent, `en`, else the first). */
  locales: z.array(z.string().max(85)).max(MAX_LOCALES_PER_QUERY).default([]),
});
export type EulaRequest = z.input<typeof EulaRequest>;

/** One `EulaFile` of the stored document, and its text when the file's verified bytes are held. */
export interface EulaFileReply {
  readonly locale: string;
  /** ISO-3166 region; null = rest of world (MS-WUSP <43>). */
  readonly geoId: string | null;
  readonly fileName: string | null;
  /** Base64 SHA-1 (`@Digest`), null when the document gives none. */
  readonly sha1: string | null;
  readonly size: number | null;
  /** `/Content/XX/HEX.ext`, where the file is (or would be) served. */
  readonly urlPath: string | null;
  /** Whether the verified bytes are in the content store. */
  readonly stored: boolean;
  /** The license text, decoded (UTF-8, or UTF-16 by its byte-order mark); null when not stored or larger than the limit. */
  readonly text: string | null;
}

export interface EulaReply {
  readonly revisionId: number;
  /** Locales (and regions) the document has a EULA in. */
  readonly available: readonly { readonly locale: string; readonly geoId: string | null }[];
  /** The EulaFiles of the chosen locale (one per region). Empty when the document has no EulaFile. */
  readonly files: readonly EulaFileReply[];
}

/**
 * A cleanup run's "content nothing else uses": delete the files no live revision names (live = its
 * update is not expired), and the uploads no live revision uses that were uploaded before
 * `uploadedBefore`. A dry run lists and counts, deletes nothing.
 */
export const DeleteUnusedContentRequest = z.strictObject({
  runId: z.string().uuid(),
  dryRun: z.boolean(),
  uploadedBefore: z.string().datetime(),
  /**
   * The updates this run expires (or, in a dry run, would expire): counted as expired even before
   * the metadata store has read their UpdateExpired, so a dry run shows the files its expiry frees.
   * At most the first MAX_EXPIRING_UPDATE_IDS; the rest count from the log as usual.
   */
  expiringUpdateIds: z.array(guid).max(MAX_EXPIRING_UPDATE_IDS).default([]),
});
export type DeleteUnusedContentRequest = z.input<typeof DeleteUnusedContentRequest>;

export interface DeleteUnusedContentReply {
  /** Content paths (`XX/<SHA1>.<ext>`) deleted, or that a dry run would delete; at most the first 1000. */
  readonly paths: readonly string[];
  readonly deletedFiles: number;
  /** Bytes of the deleted files and uploads. */
  readonly freedBytes: number;
  /** Uploads (`.uploads/<sha256>`) deleted, at most the first 1000 listed. */
  readonly uploads: readonly string[];
  readonly deletedUploads: number;
}

import { subject } from '#contracts';
import { z } from 'zod';
import { FileName, PublishUpdateRequest } from './domain/publish-update.request.js';

/**
 * The bus API of local publishing. Belongs in #contracts (libs/contracts/src/metadata/metadata.api.ts)
 * beside import-update; kept here until that file is changed (see the report). It depends on zod
 * and the domain schemas only, so it moves as is.
 */

export const PublishUpdateSubject = subject('metadata', 'cmd', 'publish-update');

/** Files are bounded so one request cannot exhaust memory; large ones are uploaded first and named by digest. */
export const MAX_PUBLISHED_FILES = 32;

/** Most license files one update can carry (one per language and region). */
export const MAX_EULA_FILES = 64;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** An uploaded file (PUT /api/v1/content/{sha256}), by the lower-case hex SHA-256 it was uploaded under. */
const uploadedSha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of an uploaded file\'s SHA-256').transform((s) => s.toLowerCase());

const fileFields = {
  fileName: FileName,
  /** File/@Modified; the publish time when absent. */
  modified: z.iso.datetime({ offset: true }).optional(),
};
/** Bytes inline (base64, for small files: the JSON body is bounded at 8 MiB) or an upload named by its SHA-256. */
export const PublishedFileInput = z.union([
  z.strictObject({ ...fileFields, contentBase64: base64 }),
  z.strictObject({ ...fileFields, sha256: uploadedSha256 }),
]);

const eulaFileFields = {
  /** `EulaFile/@Language`, e.g. `en`, `de-AT`. */
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag like en or de-AT'),
  /** `EulaFile/@GeoId`: ISO-3166 three-letter region; absent = rest of world. */
  geoId: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-3166 three-letter region like DEU').optional(),
  fileName: FileName,
};

export const PublishedEulaInput = z.strictObject({
  /** `Properties/@EulaID`. Absent: derived from the license files' digests, so the same text keeps its acceptance. */
  eulaId: z
    .string()
    .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID')
    .transform((s) => s.toLowerCase())
    .optional(),
  /** One license text per language (and optionally region), as `LocalizedPropertiesCollection/EulaFile`. */
  files: z
    .array(z.union([z.strictObject({ ...eulaFileFields, contentBase64: base64 }), z.strictObject({ ...eulaFileFields, sha256: uploadedSha256 })]))
    .min(1)
    .max(MAX_EULA_FILES),
});

export const PublishUpdateBusRequest = PublishUpdateRequest.extend({
  /**
   * The package's files: bytes in base64, or `sha256` naming an upload (PUT /api/v1/content/{sha256})
   * for anything large. The document's digests are computed from (or were computed for) the bytes.
   */
  files: z.array(PublishedFileInput).min(1).max(MAX_PUBLISHED_FILES),
  /** License terms: approving the update for Install then requires accepting them, as for a synced update with a EULA. */
  eula: PublishedEulaInput.optional(),
  /** Who published (an admin principal), recorded as the event's actor. */
  actor: z.string().max(200).optional(),
});
export type PublishUpdateBusRequest = z.input<typeof PublishUpdateBusRequest>;

export interface PublishUpdateReply {
  readonly updateId: string;
  readonly revisionNumber: number;
  /** Server-assigned RevisionID (MS-WUSP UpdateInfo.ID). */
  readonly revisionId: number;
}

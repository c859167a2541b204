import { subject } from '#contracts';
import { z } from 'zod';
import { FileName, PublishUpdateRequest } from './domain/publish-update.request.js';

/**
 * The bus API of local publishing. Belongs in #contracts (libs/contracts/src/metadata/metadata.api.ts)
 * beside import-update; kept here until that file is changed (see the report). It depends on zod
 * and the domain schemas only, so it moves as is.
 */

export const PublishUpdateSubject = subject('metadata', 'cmd', 'publish-update');

/** Files are bounded so one request cannot exhaust memory; large content needs an upload path. */
export const MAX_PUBLISHED_FILES = 32;

export const PublishUpdateBusRequest = PublishUpdateRequest.extend({
  /** The package's files, bytes in base64; the document's digests are computed from them. */
  files: z
    .array(
      z.strictObject({
        fileName: FileName,
        contentBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
        /** File/@Modified; the publish time when absent. */
        modified: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .min(1)
    .max(MAX_PUBLISHED_FILES),
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

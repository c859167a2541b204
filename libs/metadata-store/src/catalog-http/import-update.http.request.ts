import { z } from 'zod';
import { ImportUpdateRequest } from '../metadata-store.api.js';

/**
 * The admin route's import body: the bus request (ImportUpdateRequest) plus uploads named by
 * digest, so neither a large document nor large files have to fit the 8 MiB JSON body. Either the
 * document inline (`xml`) or an uploaded one (`documentSha256`); each file inline (`contentBase64`)
 * or uploaded (`sha256`, hex, PUT /api/v1/content/{sha256}).
 */
const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of an uploaded file\'s SHA-256').transform((s) => s.toLowerCase());
const fileFields = {
  fileName: z.string().min(1),
  /** Picks the declared file when several share a name. */
  sha1: z.string().optional(),
};

export const ImportUpdateHttpRequest = z
  .strictObject({
    xml: z.string().min(1).optional(),
    documentSha256: sha256Hex.optional(),
    source: ImportUpdateRequest.shape.source,
    files: z
      .array(
        z.union([
          z.strictObject({ ...fileFields, contentBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64') }),
          z.strictObject({ ...fileFields, sha256: sha256Hex }),
        ]),
      )
      .optional(),
    actor: z.string().max(200).optional(),
  })
  .refine((r) => (r.xml === undefined) !== (r.documentSha256 === undefined), { message: 'give the document either inline (xml) or uploaded (documentSha256), not both or neither' });
export type ImportUpdateHttpRequest = z.input<typeof ImportUpdateHttpRequest>;

/** An update document larger than this is not one (the largest real ones are tens of MiB). */
export const MAX_UPLOADED_DOCUMENT_BYTES = 256 * 1024 * 1024;

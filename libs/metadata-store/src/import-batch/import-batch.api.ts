import { z } from 'zod';
import { ImportUpdateRequest, type ImportUpdateReply } from '#contracts';

/**
 * Most documents one batch request may carry. The HTTP body limit (8 MiB) usually binds first:
 * a few hundred typical 2–20 KB documents. The bound keeps one transaction (and the projections'
 * next batches) to a size PGlite and PostgreSQL handle in well under a second.
 */
export const MAX_IMPORT_BATCH_DOCUMENTS = 1000;

const BatchDocument = ImportUpdateRequest.omit({ actor: true });

export const ImportBatchRequest = z.object({
  /** Imported in this order (a bundle's children before it, a revision before the next). */
  documents: z.array(BatchDocument).min(1).max(MAX_IMPORT_BATCH_DOCUMENTS),
});
export type ImportBatchRequest = z.input<typeof ImportBatchRequest>;

/** Each document's answer is the single import route's. */
export type ImportBatchItemReply = ImportUpdateReply;

export interface ImportBatchReply {
  /** One per document, in request order. */
  readonly results: readonly ImportBatchItemReply[];
  readonly synchronizationId: string;
}

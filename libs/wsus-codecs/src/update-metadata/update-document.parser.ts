import { readUpdateDocument } from './update-document.reader.js';
import type { MetadataFragments, ReadOptions, UpdateSummary } from './update-document.types.js';

/**
 * Index summary of one update revision document (CSAPI Update Schema, root `upd:Update`).
 * Throws `UpdateMetadataError` naming what is wrong for anything it refuses.
 */
export function parseUpdateDocument(xml: string, options?: ReadOptions): UpdateSummary {
  return readUpdateDocument(xml, options).summary;
}

/**
 * The Core / Extended / LocalizedProperties / Eula fragments WSUS serves for the document
 * (MS-WUSP §3.1.1.1 "Metadata Table"). Same validation as `parseUpdateDocument`; use
 * `readUpdateDocument` to get both from a single pass.
 */
export function deriveFragments(xml: string, options?: ReadOptions): MetadataFragments {
  return readUpdateDocument(xml, options).fragments;
}

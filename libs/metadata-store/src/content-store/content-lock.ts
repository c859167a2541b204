import type { SqlExecutor } from '#event-store';
import { sha1Hex } from './content-path.js';

/**
 * The content lock of a file (by SHA-1), held until the end of the transaction `tx`: a PostgreSQL
 * transaction-level advisory lock keyed by the digest. Two writers take it:
 *
 * - an import, around "reference the file (ms_content_references) + append its revision + move the
 *   verified bytes into place", and
 * - a cleanup run, around "re-check that no new revision names the file + delete it + append
 *   ContentFileDeleted".
 *
 * So a cleanup never deletes a file that a revision committed meanwhile names, and an import that
 * brings the bytes puts them back after a deletion that went first. On PGlite (one connection,
 * transactions queued) the lock is re-entrant and never waits: the transactions are serial already.
 * Locks are taken in digest order, so two imports naming the same files cannot deadlock.
 */
export async function lockContent(tx: SqlExecutor, sha1s: Iterable<string>): Promise<void> {
  const keys = [...new Set([...sha1s].map((s) => sha1Hex(s)))].sort();
  for (const key of keys) {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`watershed-content:${key}`]);
  }
}

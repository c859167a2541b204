import { createHash } from 'node:crypto';
import type { SqlExecutor } from '#event-store';

/**
 * Full update documents, content-addressed by the hex SHA-256 of their UTF-8 bytes. Events name a
 * document by that hash (UpdateRevisionImported.documentSha256), so the log stays small while the
 * documents (up to tens of MB) live here once each.
 */
export function documentSha256(xml: string): string {
  return createHash('sha256').update(xml, 'utf8').digest('hex');
}

/** Idempotent: the same document stored twice is one row. */
export async function storeDocument(tx: SqlExecutor, sha256: string, xml: string): Promise<void> {
  await tx.query('INSERT INTO ms_update_documents (sha256, xml) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [sha256, xml]);
}

export async function loadDocument(db: SqlExecutor, sha256: string): Promise<string | null> {
  const row = (await db.query<{ xml: string }>('SELECT xml FROM ms_update_documents WHERE sha256 = $1', [sha256])).rows[0];
  return row?.xml ?? null;
}

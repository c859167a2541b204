import type { SqlExecutor } from '#event-store';
import { canonicalSha1, contentUrlPath } from '../content-store/content-path.js';
import type { ContentStore } from '../content-store/content-store.js';
import type { FileLocationReply } from '../metadata-store.api.js';
import { findFiles } from '../update-revisions/update-revisions.queries.js';

/**
 * Where clients fetch files (GetExtendedUpdateInfo/GetFileLocations FileLocations, the /Content
 * route): one answer per requested SHA-1, in order. Like WSUS, a location is given for a file the
 * server does not hold yet (`exists: false`); only a SHA-1 no revision names has no URL, because its
 * extension is unknown.
 */
export async function getFileLocations(db: SqlExecutor, content: ContentStore, sha1s: readonly string[]): Promise<FileLocationReply[]> {
  const canonical = sha1s.map((s) => canonicalSha1(s));
  const rows = await findFiles(db, [...new Set(canonical.filter((c): c is string => c !== null))]);
  const bySha1 = new Map(rows.map((r) => [r.sha1, r]));
  return Promise.all(
    sha1s.map(async (sha1, i) => {
      const key = canonical[i];
      const row = key === null || key === undefined ? undefined : bySha1.get(key);
      if (row === undefined) return { sha1, urlPath: null, size: null, exists: false, fileName: null, sha256: null };
      const storedSize = await content.storedSize(row.sha1, row.fileName);
      return {
        sha1,
        urlPath: contentUrlPath(row.sha1, row.fileName),
        size: row.size,
        // A file of another length under the name is not the file (a torn copy from outside).
        exists: storedSize === row.size,
        fileName: row.fileName,
        sha256: row.sha256,
      };
    }),
  );
}

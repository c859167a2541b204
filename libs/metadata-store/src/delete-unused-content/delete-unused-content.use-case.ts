import { unlink } from 'node:fs/promises';
import {
  type CausationContext,
  ContentDeleted,
  ContentFileDeleted,
  contentFileStream,
  type DeleteUnusedContentReply,
  type DeleteUnusedContentRequest,
  newEvent,
  uploadedContentStream,
} from '#contracts';
import type { EventStore, ProjectionRunner, SqlExecutor } from '#event-store';
import { canonicalSha1, sha1Hex } from '../content-store/content-path.js';
import { lockContent } from '../content-store/content-lock.js';
import type { ContentStore, StoredFile } from '../content-store/content-store.js';
import { startTagAttributes } from '../get-eula/get-eula.query.js';
import type { UploadedContentService } from '../upload-content/uploaded-content.service.js';
import type { HeldUploadFile } from '../upload-content/uploaded-content.store.js';
import { decideUnusedFiles, decideUnusedUploads, type FileReference, liveSha1s, type UnusedFile } from './unused-content.decider.js';

/** A run lists what it deleted; beyond this many the counts still say how many went. */
const MAX_LISTED = 1000;

export interface DeleteUnusedContentHooks {
  /**
   * Called after the run decided and before it deletes anything (tests use it to import a revision
   * at exactly that moment, to prove the content lock and re-check keep its file).
   */
  readonly afterDecision?: (unused: readonly UnusedFile[]) => Promise<void>;
}

/**
 * The metadata store's part of a cleanup run: deletes the update files no live revision names (live
 * = its update is not expired), and the uploads no live revision uses that were uploaded before the
 * request's cut-off, with a ContentFileDeleted (files) or ContentDeleted (uploads) event each.
 *
 * The decision reads the projections, which may lag behind the log; each deletion then takes the
 * file's content lock and re-reads ms_content_references (written by every import in the
 * transaction of its revision, under the same lock): a revision committed since the decision keeps
 * the file. Deletion and its event happen in one transaction under the lock, so an import waiting on
 * the lock puts the bytes it brings back in place after it.
 */
export class DeleteUnusedContentUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly content: ContentStore,
    private readonly uploads: UploadedContentService,
    private readonly projections: { readonly revisions: ProjectionRunner; readonly expiredUpdates: ProjectionRunner },
    private readonly hooks: DeleteUnusedContentHooks = {},
  ) {}

  async execute(request: DeleteUnusedContentRequest, ctx: CausationContext): Promise<DeleteUnusedContentReply> {
    // The run expired updates a moment ago: the same run deletes their files.
    await this.projections.expiredUpdates.catchUp();
    await this.projections.revisions.catchUp();
    const references = await loadFileReferences(this.store.db, new Set(request.expiringUpdateIds ?? []));
    const unused = decideUnusedFiles(references);
    const held = await this.uploads.files.list();
    const described = await Promise.all(held.map(async (h) => ({ file: h, sha1: (await this.uploads.describe(h.sha256))?.sha1 ?? null })));
    const unusedUploads = decideUnusedUploads(
      described.map((d) => ({ sha256: d.file.sha256, sha1: d.sha1, uploadedAt: d.file.writtenAt })),
      liveSha1s(references),
      new Date(request.uploadedBefore),
    );
    await this.hooks.afterDecision?.(unused);

    const removed: { inode: string; links: number; size: number }[] = [];
    const paths: string[] = [];
    let deletedFiles = 0;
    for (const file of unused) {
      const gone = request.dryRun ? await this.content.filesOf(file.sha1) : await this.deleteFile(file, request.runId, ctx);
      for (const f of gone) {
        removed.push(f);
        if (paths.length < MAX_LISTED) paths.push(f.relativePath);
      }
      deletedFiles += gone.length;
    }
    const uploads: string[] = [];
    let deletedUploads = 0;
    const bySha256 = new Map(described.map((d) => [d.file.sha256, d]));
    const unusedBySha1 = new Map(unused.map((u) => [u.sha1, u.revisionIds]));
    for (const upload of unusedUploads) {
      const entry = bySha256.get(upload.sha256)!;
      // The expired revisions that name these bytes: only another revision keeps the upload.
      const knownRevisions = (upload.sha1 === null ? undefined : unusedBySha1.get(canonicalSha1(upload.sha1) ?? upload.sha1)) ?? [];
      const gone = request.dryRun ? entry.file : await this.deleteUpload(entry.file, upload.sha1, knownRevisions, request.runId, ctx);
      if (gone === null) continue;
      removed.push(gone);
      deletedUploads++;
      if (uploads.length < MAX_LISTED) uploads.push(gone.sha256);
    }
    return { paths, deletedFiles, freedBytes: freedBytes(removed), uploads, deletedUploads };
  }

  /** Deletes every stored copy of the file unless a revision named it since the decision; the copies deleted. */
  private async deleteFile(file: UnusedFile, runId: string, ctx: CausationContext): Promise<StoredFile[]> {
    const deleted = await this.store.db.transaction(async (tx) => {
      await lockContent(tx, [file.sha1]);
      if (await namedSince(tx, file.sha1, file.revisionIds)) return [];
      const stored = await this.content.filesOf(file.sha1);
      if (stored.length === 0) return [];
      const events = stored.map((f) =>
        newEvent(ctx, ContentFileDeleted.type, ContentFileDeleted.schemaVersion, {
          sha1: file.sha1,
          path: f.relativePath,
          size: f.size,
          runId,
          revisionIds: [...file.revisionIds],
        }),
      );
      await this.store.appendInTransaction(tx, contentFileStream(sha1Hex(file.sha1)), events, 'any');
      // Under the lock, after the events: a failed unlink rolls the events back.
      for (const f of stored) await removeQuietly(f.path);
      return stored;
    });
    if (deleted.length > 0) this.store.notifyAppended();
    return deleted;
  }

  private async deleteUpload(
    upload: HeldUploadFile,
    sha1: string | null,
    knownRevisionIds: readonly number[],
    runId: string,
    ctx: CausationContext,
  ): Promise<HeldUploadFile | null> {
    const deleted = await this.store.db.transaction(async (tx) => {
      if (sha1 !== null) {
        await lockContent(tx, [sha1]);
        if (await namedSince(tx, sha1, knownRevisionIds)) return null;
      }
      const event = newEvent(ctx, ContentDeleted.type, ContentDeleted.schemaVersion, { sha256: upload.sha256, runId });
      await this.store.appendInTransaction(tx, uploadedContentStream(upload.sha256), [event], 'any');
      await removeQuietly(upload.path);
      return upload;
    });
    if (deleted !== null) this.store.notifyAppended();
    return deleted;
  }
}

/**
 * What the decision rests on: every (revision, file) pair, from the projections (files and license
 * files, live unless the update is expired or `expiring`), plus the references of revisions the projection does
 * not show yet (live: nothing says they are not).
 */
export async function loadFileReferences(db: SqlExecutor, expiring: ReadonlySet<string> = new Set()): Promise<FileReference[]> {
  const files = await db.query<{ revision_id: number; update_id: string; sha1: string; live: boolean }>(
    `SELECT rf.revision_id, r.update_id, rf.sha1, (e.update_id IS NULL) AS live
       FROM ms_revision_files rf
       JOIN ms_revisions r ON r.revision_id = rf.revision_id
       LEFT JOIN ms_expired_updates e ON e.update_id = r.update_id`,
  );
  const eulas = await db.query<{ revision_id: number; update_id: string; xml: string; live: boolean }>(
    `SELECT fr.revision_id, r.update_id, fr.xml, (e.update_id IS NULL) AS live
       FROM ms_revision_fragments fr
       JOIN ms_revisions r ON r.revision_id = fr.revision_id
       LEFT JOIN ms_expired_updates e ON e.update_id = r.update_id
      WHERE fr.kind = 'Eula'`,
  );
  const pending = await db.query<{ revision_id: number; sha1: string }>(
    `SELECT c.revision_id, c.sha1 FROM ms_content_references c WHERE NOT EXISTS (SELECT 1 FROM ms_revisions r WHERE r.revision_id = c.revision_id)`,
  );
  const live = (r: { update_id: string; live: boolean }): boolean => r.live && !expiring.has(r.update_id);
  const references: FileReference[] = files.rows.map((r) => ({ revisionId: r.revision_id, sha1: r.sha1, live: live(r) }));
  for (const r of eulas.rows) {
    const a = startTagAttributes(r.xml);
    const digest = a.get('Digest');
    if (digest === undefined || (a.get('DigestAlgorithm') ?? 'SHA1').toUpperCase() !== 'SHA1') continue;
    references.push({ revisionId: r.revision_id, sha1: digest, live: live(r) });
  }
  for (const r of pending.rows) references.push({ revisionId: r.revision_id, sha1: r.sha1, live: true });
  return references;
}

/** Under the file's lock: has a revision other than the decided (expired) ones named it since? */
async function namedSince(tx: SqlExecutor, sha1: string, knownRevisionIds: readonly number[]): Promise<boolean> {
  const rows = await tx.query<{ revision_id: number }>(
    // A revision the projection already shows as expired does not count; one it does not show yet does.
    `SELECT c.revision_id FROM ms_content_references c
       LEFT JOIN ms_revisions r ON r.revision_id = c.revision_id
       LEFT JOIN ms_expired_updates e ON e.update_id = r.update_id
      WHERE c.sha1 = $1 AND NOT (c.revision_id = ANY($2::integer[])) AND e.update_id IS NULL
      LIMIT 1`,
    [canonicalSha1(sha1) ?? sha1, [...knownRevisionIds]],
  );
  return rows.rows.length > 0;
}

/** Bytes freed: an inode counts once, and only when every one of its names was deleted. */
function freedBytes(removed: readonly { inode: string; links: number; size: number }[]): number {
  const byInode = new Map<string, { names: number; links: number; size: number }>();
  for (const r of removed) {
    const e = byInode.get(r.inode) ?? { names: 0, links: r.links, size: r.size };
    e.names++;
    byInode.set(r.inode, e);
  }
  let freed = 0;
  for (const e of byInode.values()) if (e.names >= e.links) freed += e.size;
  return freed;
}

async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

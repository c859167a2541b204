import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { access, mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  type CausationContext,
  DEPLOYMENT_EVENTS,
  EventSchemaRegistry,
  METADATA_EVENTS,
  newEvent,
  SYSTEM_EVENTS,
  updateApprovalStream,
} from '#contracts';
import { EventStore, type ProjectionRunner, type SqlDatabase } from '#event-store';
import { ContentStore } from '../src/content-store/content-store.js';
import { lockContent } from '../src/content-store/content-lock.js';
import { DeleteUnusedContentUseCase, type DeleteUnusedContentHooks } from '../src/delete-unused-content/delete-unused-content.use-case.js';
import { expiredUpdatesProjection } from '../src/delete-unused-content/expired-updates.projection.js';
import { getFileLocations } from '../src/get-file-locations/get-file-locations.query.js';
import { ImportUpdateUseCase } from '../src/import-update/import-update.use-case.js';
import { METADATA_STORE_MIGRATIONS } from '../src/metadata-store.migrations.js';
import { updateRevisionsProjection } from '../src/update-revisions/update-revisions.projection.js';
import { UploadedContentService } from '../src/upload-content/uploaded-content.service.js';
import { UploadedContentStore } from '../src/upload-content/uploaded-content.store.js';
import { digests, fixtureXml, leafWithFile, SMALL_BUNDLE_UPDATE_ID } from './metadata-store.fixtures.js';
import type { MetadataStoreTarget } from './metadata-store.contract.js';

const context = (actor = 'test-admin'): CausationContext => ({
  correlationId: randomUUID(), causationId: null, traceparent: null, actor, now: () => new Date(), newId: randomUUID,
});
const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

/** A cleanup run's content part (files no live revision names, old unused uploads), held equal on PGlite and PostgreSQL. */
export function deleteUnusedContentContract(target: MetadataStoreTarget & { readonly concurrentTransactions: boolean }): void {
  describe(`deleting unused content on ${target.name}`, { skip: target.skip }, () => {
    let db: SqlDatabase;
    let cleanup: () => Promise<void>;
    let store: EventStore;
    let revisions: ProjectionRunner;
    let contentDir: string;
    let content: ContentStore;
    let importer: ImportUpdateUseCase;
    let uploads: UploadedContentService;
    let useCase: DeleteUnusedContentUseCase;
    const hooks: { afterDecision?: DeleteUnusedContentHooks['afterDecision'] } = {};

    const importLeaf = async (bytes: Buffer | null, updateId = randomUUID()): Promise<{ updateId: string; revisionId: number; relative: string }> => {
      const d = digests(bytes ?? Buffer.alloc(0));
      const { xml } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: (bytes ?? Buffer.alloc(0)).length }, { updateId });
      const result = await importer.execute({ xml, source: 'published', files: bytes === null ? [] : [{ fileName: 'AM_Delta.exe', content: bytes }] }, context());
      return { updateId, revisionId: result.revisionId, relative: `${d.sha1Hex.slice(-2)}/${d.sha1Hex}.exe` };
    };
    /** Re-points a leaf at `bytes` (same SHA-1) without supplying them. */
    const importLeafNaming = async (bytes: Buffer): Promise<{ updateId: string; revisionId: number }> => {
      const d = digests(bytes);
      const { xml, updateId } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length });
      const result = await importer.execute({ xml, source: 'published' }, context());
      return { updateId, revisionId: result.revisionId };
    };
    const expire = async (updateId: string): Promise<void> => {
      await store.append(updateApprovalStream(updateId), [newEvent(context('system:cleanup'), 'UpdateExpired', 1, { updateId, reason: 'declined', runId: randomUUID(), supersededBy: [] })], 'any');
      await store.waitForVisibility();
    };
    const run = (dryRun: boolean, uploadedBefore = new Date(0)) =>
      useCase.execute({ runId: randomUUID(), dryRun, uploadedBefore: uploadedBefore.toISOString() }, context('system:cleanup'));
    const deletedEvents = async (): Promise<{ sha1: string; path: string; size: number; runId: string; revisionIds: number[] }[]> => {
      await store.waitForVisibility();
      return (await store.readAll(undefined, { eventTypes: ['ContentFileDeleted'], limit: 10_000 })).events.map((e) => e.data as never);
    };

    before(async () => {
      ({ db, cleanup } = await target.open());
      store = await EventStore.open(db, {
        registry: new EventSchemaRegistry([...SYSTEM_EVENTS, ...METADATA_EVENTS, ...DEPLOYMENT_EVENTS]),
        migrations: METADATA_STORE_MIGRATIONS,
      });
      revisions = store.projectionRunner(updateRevisionsProjection);
      contentDir = await mkdtemp(path.join(os.tmpdir(), 'ws-unused-content-'));
      content = new ContentStore(contentDir);
      importer = new ImportUpdateUseCase(store, content, revisions, { onProjectionError: (e) => { throw e; } });
      uploads = new UploadedContentService(store, new UploadedContentStore(contentDir));
      useCase = new DeleteUnusedContentUseCase(store, content, uploads, { revisions, expiredUpdates: store.projectionRunner(expiredUpdatesProjection) }, {
        afterDecision: (unused) => hooks.afterDecision?.(unused) ?? Promise.resolve(),
      });
    });

    after(async () => {
      await store?.close();
      await cleanup?.();
      if (contentDir) await rm(contentDir, { recursive: true, force: true });
    });

    it('deletes a file only expired revisions name (one ContentFileDeleted), keeps one a live revision shares; a dry run deletes nothing', async () => {
      const shared = randomBytes(20_000);
      const only = randomBytes(30_000);
      const expiredSharing = await importLeaf(shared);
      const live = await importLeaf(shared);
      const expiredOnly = await importLeaf(only);
      await expire(expiredSharing.updateId);
      await expire(expiredOnly.updateId);

      const dry = await run(true);
      assert.deepEqual(dry, { paths: [expiredOnly.relative], deletedFiles: 1, freedBytes: only.length, uploads: [], deletedUploads: 0 });
      assert.equal(await exists(path.join(contentDir, expiredOnly.relative)), true, 'a dry run deletes nothing');
      assert.deepEqual(await deletedEvents(), []);

      const runId = randomUUID();
      const done = await useCase.execute({ runId, dryRun: false, uploadedBefore: new Date(0).toISOString() }, context('system:cleanup'));
      assert.deepEqual(done, { paths: [expiredOnly.relative], deletedFiles: 1, freedBytes: only.length, uploads: [], deletedUploads: 0 });
      assert.equal(await exists(path.join(contentDir, expiredOnly.relative)), false);
      assert.equal(await exists(path.join(contentDir, live.relative)), true, 'a file a live revision names stays');
      const d = digests(only);
      assert.deepEqual(await deletedEvents(), [{ sha1: d.sha1, path: expiredOnly.relative, size: only.length, runId, revisionIds: [expiredOnly.revisionId] }]);
      const locations = await getFileLocations(db, content, [d.sha1, digests(shared).sha1]);
      assert.deepEqual(locations.map((l) => l.exists), [false, true]);

      assert.equal((await run(false)).deletedFiles, 0, 'a second run finds nothing more');
      await expire(live.updateId);
      assert.deepEqual((await run(false)).paths, [live.relative], 'once its last live revision expires, the shared file goes too');
    });

    it('a dry run counts the files of the updates the run would expire (expiringUpdateIds) as unused, and deletes nothing', async () => {
      const bytes = randomBytes(7_000);
      const leaf = await importLeaf(bytes);
      // The run reads the revisions projection only up to what is final for readers: while another
      // transaction anywhere on the cluster is older than the import's (a busy CI machine), the
      // revision is still "pending" there, and a pending reference is live whatever the request says.
      await store.waitForVisibility();
      const dry = await useCase.execute(
        { runId: randomUUID(), dryRun: true, uploadedBefore: new Date(0).toISOString(), expiringUpdateIds: [leaf.updateId] },
        context('system:cleanup'),
      );
      assert.deepEqual([dry.paths, dry.freedBytes], [[leaf.relative], 7_000]);
      assert.deepEqual((await run(true)).paths, [], 'without it the update is live');
      assert.equal(await exists(path.join(contentDir, leaf.relative)), true);
    });

    it('treats license files like files: kept while a live revision names one, deleted after', async () => {
      const terms = Buffer.from(`LICENSE TERMS ${randomUUID()}\n`, 'utf8');
      const d = digests(terms);
      const bundle = (updateId: string): string =>
        fixtureXml('smallBundle')
          .replace(SMALL_BUNDLE_UPDATE_ID, updateId)
          .replace(
            '</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>',
            `</upd:LocalizedProperties><upd:EulaFile Digest="${d.sha1}" DigestAlgorithm="SHA1" FileName="eula-en.txt" Size="${terms.length}" Language="en" /></upd:LocalizedPropertiesCollection>`,
          );
      const first = randomUUID();
      const second = randomUUID();
      await importer.execute({ xml: bundle(first), source: 'imported', files: [{ fileName: 'eula-en.txt', content: terms }] }, context());
      await importer.execute({ xml: bundle(second), source: 'imported' }, context());
      const relative = `${d.sha1Hex.slice(-2)}/${d.sha1Hex}.txt`;
      await expire(first);
      assert.deepEqual((await run(false)).paths, [], 'the license of a live revision stays');
      assert.equal(await exists(path.join(contentDir, relative)), true);
      await expire(second);
      assert.deepEqual((await run(false)).paths, [relative]);
      assert.equal(await exists(path.join(contentDir, relative)), false);
    });

    it('keeps a file that a revision imported between the decision and the deletion names (re-checked under the content lock)', async () => {
      const bytes = randomBytes(10_000);
      const expired = await importLeaf(bytes);
      await expire(expired.updateId);
      let imported: { revisionId: number } | undefined;
      hooks.afterDecision = async (unused) => {
        assert.ok(unused.some((u) => u.sha1 === digests(bytes).sha1), 'the run decided the file was unused');
        // A concurrent import of a live revision naming the same file, committed after the decision.
        imported = await importLeafNaming(bytes);
      };
      try {
        const reply = await run(false);
        assert.ok(imported, 'the import ran during the cleanup');
        assert.deepEqual(reply.paths, []);
      } finally {
        delete hooks.afterDecision;
      }
      assert.equal(await exists(path.join(contentDir, expired.relative)), true, 'the live revision keeps its file');
      assert.equal((await deletedEvents()).filter((e) => e.path === expired.relative).length, 0);
    });

    it('an import waiting on the content lock while a deletion holds it puts its bytes back after it', { skip: target.concurrentTransactions ? false : 'one connection: transactions never overlap' }, async () => {
      const bytes = randomBytes(12_000);
      const expired = await importLeaf(bytes);
      const file = path.join(contentDir, expired.relative);
      let importing: Promise<unknown> | undefined;
      await db.transaction(async (tx) => {
        // What a cleanup deletion does: take the lock, delete the file; an import arrives meanwhile.
        await lockContent(tx, [digests(bytes).sha1]);
        await rm(file);
        let settled = false;
        importing = importLeaf(bytes).finally(() => (settled = true));
        // Deterministic, not timed: wait until the import is blocked on an advisory lock (or, were it
        // not locking, finished: then the assertion below fails instead of the test hanging).
        while (!settled && (await db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.equal(settled, false, 'the import waits for the content lock');
        assert.equal(await exists(file), false);
      });
      await importing;
      assert.equal(await exists(file), true, 'the import placed its bytes after the deletion committed');
    });

    it('an upload linked into an expired revision\'s content path goes with it; the bytes freed count once', async () => {
      const bytes = randomBytes(9_000);
      const d = digests(bytes);
      const hex = Buffer.from(d.sha256, 'base64').toString('hex');
      await uploads.upload(Readable.from([bytes]), hex, { maxBytes: 1 << 20 }, context());
      const { xml, updateId } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length });
      const verified = { verifiedPath: uploads.files.pathOf(hex), sha1: d.sha1, sha256: d.sha256, size: bytes.length };
      await importer.execute({ xml, source: 'published', files: [{ fileName: 'AM_Delta.exe', content: verified }] }, context());
      const relative = `${d.sha1Hex.slice(-2)}/${d.sha1Hex}.exe`;
      await expire(updateId);
      const inFuture = new Date(Date.now() + 86_400_000);
      const done = await run(false, inFuture);
      assert.deepEqual([done.paths, done.uploads, done.freedBytes], [[relative], [hex], 9_000]);
      assert.equal(await exists(path.join(contentDir, relative)), false);
      assert.equal(await exists(uploads.files.pathOf(hex)), false);
    });

    it('deletes uploads no live revision uses once older than the cut-off (ContentDeleted with the run), keeps newer ones', async () => {
      const upload = async (bytes: Buffer): Promise<string> => {
        const sha256 = digests(bytes).sha256;
        const hex = Buffer.from(sha256, 'base64').toString('hex');
        await uploads.upload(Readable.from([bytes]), hex, { maxBytes: 1 << 20 }, context());
        return hex;
      };
      const old = await upload(randomBytes(5_000));
      const fresh = await upload(randomBytes(6_000));
      const longAgo = new Date(Date.now() - 40 * 86_400_000);
      await utimes(uploads.files.pathOf(old), longAgo, longAgo);
      const cutoff = new Date(Date.now() - 30 * 86_400_000);

      const dry = await run(true, cutoff);
      assert.deepEqual([dry.uploads, dry.deletedUploads, dry.freedBytes], [[old], 1, 5_000]);
      assert.equal(await exists(uploads.files.pathOf(old)), true);

      const runId = randomUUID();
      const done = await useCase.execute({ runId, dryRun: false, uploadedBefore: cutoff.toISOString() }, context('system:cleanup'));
      assert.deepEqual([done.uploads, done.deletedUploads, done.freedBytes], [[old], 1, 5_000]);
      assert.equal(await exists(uploads.files.pathOf(old)), false);
      assert.equal(await exists(uploads.files.pathOf(fresh)), true);
      assert.equal(await uploads.describe(old), null);
      await store.waitForVisibility();
      const deleted = (await store.readAll(undefined, { eventTypes: ['ContentDeleted'], limit: 100 })).events.map((e) => e.data as { runId?: string });
      assert.deepEqual(deleted.filter((e) => e.runId === runId), [{ sha256: old, runId }]);
    });
  });
}

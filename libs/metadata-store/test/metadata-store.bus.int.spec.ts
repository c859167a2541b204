import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodedError, newEvent, serviceStatusSubject, type ServiceStatus, UpdateRevisionImported, updateStream } from '#contracts';
import { createLogger, loadConfig, type RunningServer, serve } from '#platform';
import { readUpdateDocument } from '#wsus-codecs/update-metadata';
import {
  type FileLocationsReply,
  type FragmentsReply,
  type ImportUpdateReply,
  MetadataStoreService,
  MetadataSubjects,
  type RevisionReply,
} from '../src/index.js';
import { documentSha256, storeDocument } from '../src/update-documents/update-documents.store.js';
import { digests, fixtureXml, LEAF_FILE, LEAF_UPDATE_ID, leafWithFile, SMALL_BUNDLE_UPDATE_ID } from './metadata-store.fixtures.js';

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CodedError, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** The real server (serve) with the metadata-store module: handlers reached over its in-process bus. */
describe('metadata-store bus API on a running all-in-one server', () => {
  let dataDir: string;
  let server: RunningServer;

  const start = async (): Promise<RunningServer> => {
    const config = loadConfig({ WATERSHED_INSTANCE_ID: 'metadata-bus-test' }, { port: '0', host: '127.0.0.1', dataDir, logLevel: 'silent' });
    const logger = createLogger({ level: 'silent', instanceId: config.instanceId, services: config.services });
    return serve(config, logger, [MetadataStoreService]);
  };
  const request = <T>(subject: string, payload: unknown): Promise<T> => server.runtime.bus.request<T>(subject, payload, { timeoutMs: 10_000 });

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'ws-metadata-bus-'));
    server = await start();
  });
  after(async () => {
    await server?.stop('test over');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers its status on the metadata context', async () => {
    const status = await request<ServiceStatus>(serviceStatusSubject('metadata-store'), {});
    assert.equal(status.service, 'metadata-store');
    assert.equal(status.instanceId, 'metadata-bus-test');
  });

  it('imports a document with its file bytes, then serves revision, fragments and file locations', async () => {
    const bytes = randomBytes(64 * 1024);
    const d = digests(bytes);
    const { xml, updateId } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length });
    const reply = await request<ImportUpdateReply>(MetadataSubjects.importUpdate, {
      xml,
      source: 'published',
      actor: 'admin:alice',
      files: [{ fileName: 'AM_Delta.exe', contentBase64: bytes.toString('base64') }],
    });
    const urlPath = `/Content/${d.sha1Hex.slice(-2)}/${d.sha1Hex}.exe`;
    assert.deepEqual(reply, { revisionId: 1, updateId, revisionNumber: 200, created: true, change: 'new', storedFiles: [urlPath] });
    assert.deepEqual(await readFile(path.join(server.runtime.config.contentDir, urlPath.slice('/Content/'.length))), bytes);

    const event = (await server.runtime.store.readStream(updateStream(updateId))).events[0]!;
    assert.equal(event.metadata.actor, 'admin:alice');
    assert.equal((event.data as { source: string }).source, 'published');

    const revision = await request<RevisionReply>(MetadataSubjects.revision, { updateId: updateId.toUpperCase() });
    assert.equal(revision.revisionId, 1);
    assert.equal(revision.revisionNumber, 200);
    assert.equal(revision.updateType, 'Software');
    assert.equal(revision.documentSha256, documentSha256(xml));

    const derived = readUpdateDocument(xml).fragments;
    const fragments = await request<FragmentsReply>(MetadataSubjects.fragments, {
      revisionIds: [1, 4242],
      kinds: ['Core', 'Extended', 'LocalizedProperties', 'Eula'],
      locales: ['en-US', 'en'],
    });
    assert.deepEqual(fragments, [
      {
        revisionId: 1,
        fragments: [
          { kind: 'Core', locale: null, geoId: null, xml: derived.core },
          { kind: 'Extended', locale: null, geoId: null, xml: derived.extended },
          { kind: 'LocalizedProperties', locale: 'en', geoId: null, xml: derived.localized.get('en') },
        ],
      },
    ]);

    const locations = await request<FileLocationsReply>(MetadataSubjects.fileLocations, { sha1s: [d.sha1, LEAF_FILE.sha1] });
    // The fixture leaf is not imported yet, so its SHA-1 names no file this store knows.
    assert.deepEqual(locations, [
      { sha1: d.sha1, urlPath, size: bytes.length, exists: true, fileName: 'AM_Delta.exe', sha256: d.sha256 },
      { sha1: LEAF_FILE.sha1, urlPath: null, size: null, exists: false, fileName: null, sha256: null },
    ]);

    const again = await request<ImportUpdateReply>(MetadataSubjects.importUpdate, { xml, source: 'synced' });
    assert.deepEqual(again, { revisionId: 1, updateId, revisionNumber: 200, created: false, change: 'unchanged', storedFiles: [] });
  });

  it('carries coded refusals across the bus', async () => {
    await rejectsWith(request(MetadataSubjects.importUpdate, { xml: '<nope/>', source: 'imported' }), 'UPDATE.INVALID_DOCUMENT', /NOT_AN_UPDATE/);
    await request(MetadataSubjects.importUpdate, { xml: fixtureXml('leaf'), source: 'imported' });
    await rejectsWith(
      request(MetadataSubjects.importUpdate, { xml: fixtureXml('leaf').replace('<upd:Title>Full', '<upd:Title>Changed'), source: 'imported' }),
      'UPDATE.REVISION_CONFLICT',
    );
    await rejectsWith(
      request(MetadataSubjects.importUpdate, {
        xml: fixtureXml('leaf'),
        source: 'imported',
        files: [{ fileName: 'AM_Delta.exe', contentBase64: Buffer.from('wrong').toString('base64') }],
      }),
      'CONTENT.DIGEST_MISMATCH',
    );
    await rejectsWith(request(MetadataSubjects.revision, { updateId: randomUUID() }), 'UPDATE.NOT_FOUND');
    await rejectsWith(request(MetadataSubjects.revision, { updateId: LEAF_UPDATE_ID, revisionNumber: 9 }), 'UPDATE.NOT_FOUND', /revision 9/);
  });

  it('refuses malformed payloads with REQUEST.INVALID naming the field', async () => {
    await rejectsWith(request(MetadataSubjects.importUpdate, { source: 'imported' }), 'REQUEST.INVALID', /xml/);
    await rejectsWith(request(MetadataSubjects.importUpdate, { xml: fixtureXml('leaf'), source: 'downloaded' }), 'REQUEST.INVALID', /source/);
    await rejectsWith(request(MetadataSubjects.fragments, { revisionIds: ['1'], kinds: ['Core'], locales: [] }), 'REQUEST.INVALID', /revisionIds\.0/);
    await rejectsWith(request(MetadataSubjects.fragments, { revisionIds: [1], kinds: ['Published'], locales: [] }), 'REQUEST.INVALID', /kinds\.0/);
    await rejectsWith(request(MetadataSubjects.fileLocations, { sha1s: 'abc' }), 'REQUEST.INVALID', /sha1s/);
    await rejectsWith(request(MetadataSubjects.revision, { updateId: 'not-a-guid' }), 'REQUEST.INVALID', /updateId/);
  });

  it('follows the log in the background: an event written by another process shows up in queries', async () => {
    const xml = fixtureXml('smallBundle');
    const sha = documentSha256(xml);
    const { store } = server.runtime;
    const document = readUpdateDocument(xml);
    const ctx = { correlationId: randomUUID(), causationId: null, traceparent: null, actor: 'elsewhere', now: () => new Date(), newId: randomUUID };
    await store.db.transaction(async (tx) => {
      await storeDocument(tx, sha, xml);
      const id = (await tx.query<{ id: number }>(`SELECT nextval('ms_revision_id_seq')::integer AS id`)).rows[0]!.id;
      await store.appendInTransaction(tx, updateStream(SMALL_BUNDLE_UPDATE_ID), [
        newEvent(ctx, UpdateRevisionImported.type, 1, {
          revisionId: id, updateId: SMALL_BUNDLE_UPDATE_ID, revisionNumber: 200, updateType: 'Software', title: document.summary.title ?? '',
          prerequisites: [], categoryIds: [], bundledRevisions: [], supersededUpdateIds: [], files: [], eulaId: null, languages: [],
          coreXml: document.fragments.core, documentSha256: sha, source: 'synced',
        }),
      ], 'no-stream');
    });
    store.notifyAppended();
    const deadline = Date.now() + 5000;
    let revision: RevisionReply | null = null;
    while (revision === null && Date.now() < deadline) {
      revision = await request<RevisionReply>(MetadataSubjects.revision, { updateId: SMALL_BUNDLE_UPDATE_ID }).catch(() => null);
      if (revision === null) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(revision?.source, 'synced');
    // And the import use case sees that revision through the stream: the same document is a no-op.
    const reply = await request<ImportUpdateReply>(MetadataSubjects.importUpdate, { xml, source: 'imported' });
    assert.deepEqual({ created: reply.created, revisionId: reply.revisionId }, { created: false, revisionId: revision!.revisionId });
  });

  it('keeps revisions, RevisionIDs and content across a restart', async () => {
    await server.stop('restart');
    server = await start();
    const revision = await request<RevisionReply>(MetadataSubjects.revision, { updateId: LEAF_UPDATE_ID, revisionNumber: 200 });
    const reply = await request<ImportUpdateReply>(MetadataSubjects.importUpdate, { xml: fixtureXml('leaf'), source: 'imported' });
    assert.deepEqual({ created: reply.created, revisionId: reply.revisionId }, { created: false, revisionId: revision.revisionId });
    const next = await request<ImportUpdateReply>(MetadataSubjects.importUpdate, { xml: fixtureXml('category'), source: 'imported' });
    assert.equal(next.created, true);
    assert.ok(next.revisionId > revision.revisionId, 'the sequence continues after a restart');
  });
});

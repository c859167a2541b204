import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  type CausationContext,
  CodedError,
  EventSchemaRegistry,
  METADATA_EVENTS,
  SYNCHRONIZATION_EVENTS,
  synchronizationStream,
  SYSTEM_EVENTS,
  type UpdateRevisionImportedData,
  updateStream,
} from '#contracts';
import { EventStore, type ProjectionRunner, type SqlDatabase } from '#event-store';
import { readUpdateDocument } from '#wsus-codecs/update-metadata';
import { ContentStore } from '../src/content-store/content-store.js';
import { UploadedContentService } from '../src/upload-content/uploaded-content.service.js';
import { UploadedContentStore } from '../src/upload-content/uploaded-content.store.js';
import { getFileLocations } from '../src/get-file-locations/get-file-locations.query.js';
import { getEula } from '../src/get-eula/get-eula.query.js';
import { getFragments } from '../src/get-fragments/get-fragments.query.js';
import { importAsSynchronization } from '../src/import-update/import-synchronization.js';
import { ImportUpdateUseCase } from '../src/import-update/import-update.use-case.js';
import { METADATA_STORE_MIGRATIONS } from '../src/metadata-store.migrations.js';
import { findRevision } from '../src/update-revisions/update-revisions.queries.js';
import { fragmentRows, updateRevisionsProjection } from '../src/update-revisions/update-revisions.projection.js';
import {
  BUNDLE_UPDATE_ID,
  CATEGORY_UPDATE_ID,
  digests,
  type FixtureName,
  fixtureXml,
  LEAF_FILE,
  LEAF_UPDATE_ID,
  leafWithFile,
  SMALL_BUNDLE_UPDATE_ID,
} from './metadata-store.fixtures.js';

export interface MetadataStoreTarget {
  readonly name: string;
  readonly skip: false | string;
  open(): Promise<{ db: SqlDatabase; cleanup: () => Promise<void> }>;
}

const CORRELATION = '6f1d9a52-7e0b-4c55-9a4e-0d1f2b3c4d5e';

function context(actor = 'test-admin'): CausationContext {
  return { correlationId: CORRELATION, causationId: null, traceparent: null, actor, now: () => new Date('2026-11-25T12:00:00.000Z'), newId: randomUUID };
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<CodedError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CodedError, `expected a CodedError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/** Import, projection, queries and content, held equal on PGlite and PostgreSQL. */
export function metadataStoreContract(target: MetadataStoreTarget): void {
  describe(`metadata store on ${target.name}`, { skip: target.skip }, () => {
    let db: SqlDatabase;
    let cleanup: () => Promise<void>;
    let store: EventStore;
    let runner: ProjectionRunner;
    let contentDir: string;
    let content: ContentStore;
    let importer: ImportUpdateUseCase;
    const ids: Partial<Record<FixtureName, number>> = {};

    const count = async (sql: string, params: unknown[] = []): Promise<number> =>
      Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params)).rows[0]!.n);
    const snapshot = async () => ({
      revisions: (await db.query('SELECT * FROM ms_revisions ORDER BY revision_id')).rows,
      fragments: (await db.query('SELECT * FROM ms_revision_fragments ORDER BY revision_id, kind, locale, geo_id')).rows,
      files: (await db.query('SELECT * FROM ms_files ORDER BY sha1')).rows,
      revisionFiles: (await db.query('SELECT * FROM ms_revision_files ORDER BY revision_id, sha1')).rows,
    });
    const storedCount = async () => ({
      documents: await count('ms_update_documents'),
      updateEvents: await count(`ws_events WHERE stream_id LIKE 'update-%'`),
      revisions: await count('ms_revisions'),
    });
    const contentFiles = async (): Promise<string[]> => {
      const out: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else out.push(path.relative(contentDir, full));
        }
      };
      await walk(contentDir);
      return out.sort();
    };

    before(async () => {
      ({ db, cleanup } = await target.open());
      store = await EventStore.open(db, {
        registry: new EventSchemaRegistry([...SYSTEM_EVENTS, ...METADATA_EVENTS, ...SYNCHRONIZATION_EVENTS]),
        migrations: METADATA_STORE_MIGRATIONS,
      });
      runner = store.projectionRunner(updateRevisionsProjection);
      contentDir = await mkdtemp(path.join(os.tmpdir(), 'ws-content-'));
      content = new ContentStore(contentDir);
      importer = new ImportUpdateUseCase(store, content, runner, { onProjectionError: (e) => { throw e; } });
    });

    after(async () => {
      await store?.close();
      await cleanup?.();
      if (contentDir) await rm(contentDir, { recursive: true, force: true });
    });

    it('imports every fixture document, allocating RevisionIDs 1..4 in import order', async () => {
      const order: FixtureName[] = ['category', 'leaf', 'smallBundle', 'bundle'];
      for (const [i, name] of order.entries()) {
        const result = await importer.execute({ xml: fixtureXml(name), source: 'imported' }, context());
        assert.equal(result.revisionId, i + 1, name);
        assert.equal(result.created, true, name);
        assert.deepEqual(result.storedFiles, []);
        ids[name] = result.revisionId;
      }
      assert.deepEqual(ids, { category: 1, leaf: 2, smallBundle: 3, bundle: 4 });
      assert.deepEqual(await storedCount(), { documents: 4, updateEvents: 4, revisions: 4 });
    });

    it('records UpdateRevisionImported with every field of the leaf filled from its document', async () => {
      const { events, version } = await store.readStream(updateStream(LEAF_UPDATE_ID));
      assert.equal(version, 1n);
      const event = events[0]!;
      assert.equal(event.type, 'UpdateRevisionImported');
      assert.equal(event.schemaVersion, 1);
      assert.equal(event.metadata.correlationId, CORRELATION);
      assert.equal(event.metadata.actor, 'test-admin');
      assert.equal(event.metadata.occurredAt, '2026-11-25T12:00:00.000Z');
      const xml = fixtureXml('leaf');
      const expected: UpdateRevisionImportedData = {
        revisionId: 2,
        updateId: LEAF_UPDATE_ID,
        revisionNumber: 200,
        updateType: 'Software',
        title: 'Full Deltas 1.459.547.0 for Defender amd64fre [Ring0, Ring1, Ring2, Ring3, Ring4, Broad, Delayed]',
        prerequisites: [
          ['be4048db-157c-4532-9582-7f05099590c9'],
          ['59653007-e2e9-4f71-8525-2ff588527978'],
          ['0aac58ee-82a0-4452-a7fa-19f68398f1fa'],
          ['8c3fcc84-7410-4a95-8b89-a166a0190486'],
        ],
        categoryIds: [],
        categoryType: null,
        bundledRevisions: [],
        supersededUpdateIds: [],
        files: [{ sha1: LEAF_FILE.sha1, sha256: LEAF_FILE.sha256, size: LEAF_FILE.size, fileName: 'AM_Delta.exe' }],
        eulaId: null,
        languages: [],
        coreXml: readUpdateDocument(xml).fragments.core,
        documentSha256: 'b4e4ff286491ba93f420c679e7c69861b0d49d9ee9b4acaab1f5c35505ce53c8',
        source: 'imported',
      };
      assert.deepEqual(event.data, expected);
      assert.equal(sha256Hex(xml), expected.documentSha256);
      assert.ok((event.data as UpdateRevisionImportedData).coreXml.startsWith('<UpdateIdentity UpdateID="266f6222-c89d-43f2-9f8a-69340271e677" RevisionNumber="200" /><Properties UpdateType="Software" />'));
    });

    it('records the bundle graph, category clauses and supersedence of KB2267602', async () => {
      const data = (await store.readStream(updateStream(BUNDLE_UPDATE_ID))).events[0]!.data as UpdateRevisionImportedData;
      assert.equal(data.revisionId, 4);
      assert.equal(data.title, 'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.459.547.0) - Current Channel (Broad)');
      assert.deepEqual(data.categoryIds, ['e0789628-ce08-4437-be74-2495b842f43b', '8c3fcc84-7410-4a95-8b89-a166a0190486']);
      assert.deepEqual(data.prerequisites, [
        ['be4048db-157c-4532-9582-7f05099590c9'],
        ['0aac58ee-82a0-4452-a7fa-19f68398f1fa'],
        ['e0789628-ce08-4437-be74-2495b842f43b'],
        ['8c3fcc84-7410-4a95-8b89-a166a0190486'],
      ]);
      assert.deepEqual(data.bundledRevisions.map((c) => c.length), [7, 7, 7, 103]);
      assert.ok(data.bundledRevisions[3]!.some((m) => m.updateId === LEAF_UPDATE_ID && m.revisionNumber === 200));
      assert.equal(data.supersededUpdateIds.length, 10);
      assert.equal(data.supersededUpdateIds[0], 'ce84983e-b20e-44d7-a412-1fd91fc7bda8');
      assert.deepEqual(data.files, []);
      const small = (await store.readStream(updateStream(SMALL_BUNDLE_UPDATE_ID))).events[0]!.data as UpdateRevisionImportedData;
      assert.deepEqual(small.bundledRevisions, [[
        { updateId: 'b6f443c9-ad38-4347-bab3-f1dc0b03d533', revisionNumber: 200 },
        { updateId: '0daf8592-9e3f-4a8a-9141-d83fafebd09f', revisionNumber: 200 },
        { updateId: '4c0a0a90-4bd5-4fe5-b306-8dbd6fde30a0', revisionNumber: 200 },
        { updateId: 'e052d9bd-e49c-4d6e-876e-005b49b89812', revisionNumber: 200 },
      ]]);
      const category = (await store.readStream(updateStream(CATEGORY_UPDATE_ID))).events[0]!.data as UpdateRevisionImportedData;
      assert.equal(category.updateType, 'Category');
      assert.equal(category.title, 'Microsoft');
      assert.equal(category.revisionNumber, 101);
    });

    it('re-importing the same documents is a no-op that returns the same RevisionIDs', async () => {
      for (const name of ['leaf', 'bundle', 'category', 'smallBundle'] as const) {
        const result = await importer.execute({ xml: fixtureXml(name), source: 'synced' }, context());
        assert.deepEqual(result, {
          revisionId: ids[name],
          updateId: result.updateId,
          revisionNumber: result.revisionNumber,
          created: false,
          change: 'unchanged',
          storedFiles: [],
        });
      }
      assert.deepEqual(await storedCount(), { documents: 4, updateEvents: 4, revisions: 4 });
    });

    it('projects revision rows and the fragments derived from each stored document', async () => {
      const leaf = await findRevision(db, LEAF_UPDATE_ID, 200);
      assert.deepEqual(
        { ...leaf, importedAt: undefined },
        {
          revisionId: 2,
          updateId: LEAF_UPDATE_ID,
          revisionNumber: 200,
          updateType: 'Software',
          title: 'Full Deltas 1.459.547.0 for Defender amd64fre [Ring0, Ring1, Ring2, Ring3, Ring4, Broad, Delayed]',
          documentSha256: 'b4e4ff286491ba93f420c679e7c69861b0d49d9ee9b4acaab1f5c35505ce53c8',
          source: 'imported',
          importedAt: undefined,
        },
      );
      assert.equal(leaf?.importedAt, '2026-11-25T12:00:00.000Z');
      for (const name of ['category', 'leaf', 'smallBundle', 'bundle'] as const) {
        const xml = fixtureXml(name);
        const derived = readUpdateDocument(xml).fragments;
        const rows = (
          await db.query<{ kind: string; locale: string | null; xml: string }>(
            'SELECT kind, locale, xml FROM ms_revision_fragments WHERE revision_id = $1',
            [ids[name]],
          )
        ).rows;
        const get = (kind: string, locale: string | null) => rows.filter((r) => r.kind === kind && r.locale === locale).map((r) => r.xml);
        assert.deepEqual(get('Core', null), [derived.core], `${name} Core`);
        assert.deepEqual(get('Extended', null), [derived.extended], `${name} Extended`);
        const localized = rows.filter((r) => r.kind === 'LocalizedProperties');
        assert.equal(localized.length, derived.localized.size, `${name} locales`);
        for (const [locale, fragment] of derived.localized) assert.deepEqual(get('LocalizedProperties', locale), [fragment], `${name} ${locale}`);
        assert.equal(rows.filter((r) => r.kind === 'Eula').length, 0);
      }
      assert.equal(await count('ms_revision_fragments WHERE revision_id = $1 AND kind = $2', [ids.category, 'LocalizedProperties']), 24);
      assert.equal(await count('ms_revision_fragments WHERE revision_id = $1 AND kind = $2', [ids.bundle, 'LocalizedProperties']), 35);
      assert.deepEqual((await db.query('SELECT sha1, sha1_hex, sha256, size::int AS size, file_name FROM ms_files')).rows, [
        { sha1: LEAF_FILE.sha1, sha1_hex: '87F5BD0469585006AA5D3A77D1C662FD2895DDCD', sha256: LEAF_FILE.sha256, size: LEAF_FILE.size, file_name: 'AM_Delta.exe' },
      ]);
    });

    it('answers fragment queries with the client locale, its neutral parent and en', async () => {
      const reply = await getFragments(db, { revisionIds: [ids.bundle!, 999_999, ids.category!], kinds: ['LocalizedProperties', 'Core'], locales: ['de-DE'] });
      assert.deepEqual(reply.map((r) => r.revisionId), [4, 1], 'unknown ids are left out, order kept');
      const bundle = reply[0]!;
      assert.deepEqual(bundle.fragments.map((f) => [f.kind, f.locale]), [['Core', null], ['LocalizedProperties', 'de'], ['LocalizedProperties', 'en']]);
      const derived = readUpdateDocument(fixtureXml('bundle')).fragments;
      assert.equal(bundle.fragments[1]!.xml, derived.localized.get('de'));
      assert.equal(bundle.fragments[0]!.xml, derived.core);

      const pt = await getFragments(db, { revisionIds: [ids.category!], kinds: ['LocalizedProperties'], locales: ['pt-BR', 'en-US'] });
      assert.deepEqual(pt[0]!.fragments.map((f) => f.locale), ['pt-br', 'en']);
      const unknown = await getFragments(db, { revisionIds: [ids.category!], kinds: ['LocalizedProperties', 'Eula'], locales: ['xx-YY'] });
      assert.deepEqual(unknown[0]!.fragments.map((f) => f.locale), ['en']);
      const extended = await getFragments(db, { revisionIds: [ids.leaf!, ids.leaf!], kinds: ['Extended'], locales: [] });
      assert.equal(extended.length, 1, 'a repeated id is answered once');
      assert.equal(extended[0]!.fragments[0]!.xml, readUpdateDocument(fixtureXml('leaf')).fragments.extended);
      assert.match(extended[0]!.fragments[0]!.xml, /<Files><File Digest="h\/W9BGlYUAaqXTp30cZi\/SiV3c0="/);
    });

    it('stores and serves Eula fragments, chosen by locale like LocalizedProperties', async () => {
      const eulaDoc = fixtureXml('smallBundle')
        .replace('ccb78947-6453-4ecc-9de8-bc0305c98f2d', 'e1a00000-0000-4000-8000-00000000e1a0')
        .replace(
          '</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>',
          '</upd:LocalizedProperties><upd:EulaFile Language="en" FileName="eula-en.txt" /><upd:EulaFile Language="de" FileName="eula-de.txt" /></upd:LocalizedPropertiesCollection>',
        );
      const derived = readUpdateDocument(eulaDoc).fragments.eula;
      assert.equal(derived.length, 2, 'the test document must carry two EulaFiles');
      const { revisionId } = await importer.execute({ xml: eulaDoc, source: 'published' }, context());
      const reply = await getFragments(db, { revisionIds: [revisionId], kinds: ['Eula'], locales: ['de-AT'] });
      assert.deepEqual(reply[0]!.fragments.map((f) => [f.kind, f.locale, f.xml]), [
        ['Eula', 'de', derived.find((e) => e.locale === 'de')!.xml],
        ['Eula', 'en', derived.find((e) => e.locale === 'en')!.xml],
      ]);
    });

    it('answers the latest revision of an update, or a given one', async () => {
      const v201 = fixtureXml('category').replace('RevisionNumber="101"', 'RevisionNumber="102"');
      const result = await importer.execute({ xml: v201, source: 'synced' }, context());
      assert.equal(result.created, true);
      assert.equal(result.change, 'revised');
      assert.equal(result.revisionNumber, 102);
      assert.equal((await findRevision(db, CATEGORY_UPDATE_ID))?.revisionId, result.revisionId);
      assert.equal((await findRevision(db, CATEGORY_UPDATE_ID, 101))?.revisionId, ids.category);
      assert.equal(await findRevision(db, CATEGORY_UPDATE_ID, 7), null);
      assert.equal((await store.readStream(updateStream(CATEGORY_UPDATE_ID))).version, 2n);
    });

    it('refuses another document for an existing revision, storing nothing', async () => {
      const before = await storedCount();
      const altered = fixtureXml('leaf').replace('<upd:Title>Full Deltas', '<upd:Title>Tampered Full Deltas');
      const error = await rejectsWith(
        importer.execute({ xml: altered, source: 'imported' }, context()),
        'UPDATE.REVISION_CONFLICT',
        /266f6222-c89d-43f2-9f8a-69340271e677 revision 200 .*RevisionID 2/,
      );
      assert.deepEqual(error.details, { revisionId: 2, documentSha256: 'b4e4ff286491ba93f420c679e7c69861b0d49d9ee9b4acaab1f5c35505ce53c8' });
      assert.deepEqual(await storedCount(), before);
      assert.equal(await count('ms_update_documents WHERE sha256 = $1', [sha256Hex(altered)]), 0);
    });

    it('refuses documents that are not update documents, naming what is wrong, storing nothing', async () => {
      const before = await storedCount();
      const cases: [string, RegExp][] = [
        ['this is not XML', /MALFORMED_XML|NOT_AN_UPDATE/],
        ['<Update xmlns="urn:other"/>', /NOT_AN_UPDATE.*urn:other/],
        [fixtureXml('leaf').slice(0, 2000), /MALFORMED_XML/],
        [fixtureXml('leaf').replace('UpdateID="266f6222-c89d-43f2-9f8a-69340271e677"', 'UpdateID="not-a-guid"'), /INVALID_VALUE/],
        [fixtureXml('leaf').replace('<!DOCTYPE', '').replace('<upd:Update ', '<!DOCTYPE x [<!ENTITY a "b">]><upd:Update '), /MALFORMED_XML|DTD/i],
      ];
      for (const [xml, reason] of cases) {
        const error = await rejectsWith(importer.execute({ xml, source: 'imported' }, context()), 'UPDATE.INVALID_DOCUMENT', /not a valid update document/);
        assert.match(error.message, reason, xml.slice(0, 60));
      }
      assert.deepEqual(await storedCount(), before);
      // No RevisionID was consumed: the next import gets the next number.
      const maxId = Number((await db.query<{ m: number }>('SELECT max(revision_id) AS m FROM ms_revisions')).rows[0]!.m);
      const fresh = fixtureXml('smallBundle').replace('ccb78947-6453-4ecc-9de8-bc0305c98f2d', randomUUID());
      assert.equal((await importer.execute({ xml: fresh, source: 'imported' }, context())).revisionId, maxId + 1);
    });

    it('stores supplied file bytes verified against the declared SHA-1 and SHA-256, in the WSUS layout', async () => {
      const bytes = randomBytes(300_000);
      const d = digests(bytes);
      const { xml, updateId } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length });
      const result = await importer.execute({ xml, source: 'published', files: [{ fileName: 'am_delta.EXE', content: bytes }] }, context());
      const relative = `${d.sha1Hex.slice(-2)}/${d.sha1Hex}.exe`;
      assert.deepEqual(result.storedFiles, [`/Content/${relative}`]);
      assert.equal(result.updateId, updateId);
      assert.deepEqual(await readFile(path.join(contentDir, relative)), bytes);
      assert.deepEqual(await getFileLocations(db, content, [d.sha1, LEAF_FILE.sha1, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'junk']), [
        { sha1: d.sha1, urlPath: `/Content/${relative}`, size: bytes.length, exists: true, fileName: 'AM_Delta.exe', sha256: d.sha256 },
        {
          sha1: LEAF_FILE.sha1,
          urlPath: '/Content/CD/87F5BD0469585006AA5D3A77D1C662FD2895DDCD.exe',
          size: LEAF_FILE.size,
          exists: false,
          fileName: 'AM_Delta.exe',
          sha256: LEAF_FILE.sha256,
        },
        { sha1: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', urlPath: null, size: null, exists: false, fileName: null, sha256: null },
        { sha1: 'junk', urlPath: null, size: null, exists: false, fileName: null, sha256: null },
      ]);
      assert.deepEqual(await contentFiles(), [relative]);

      // Bytes can come later, with a re-import of the same document, and from a file on disk.
      await rm(path.join(contentDir, relative));
      const onDisk = path.join(os.tmpdir(), `ws-src-${randomUUID()}.bin`);
      await writeFile(onDisk, bytes);
      try {
        const again = await importer.execute({ xml, source: 'published', files: [{ fileName: 'AM_Delta.exe', content: { path: onDisk } }] }, context());
        assert.equal(again.created, false);
        assert.equal(again.revisionId, result.revisionId);
        assert.deepEqual(await readFile(path.join(contentDir, relative)), bytes);
      } finally {
        await rm(onDisk, { force: true });
      }
    });

    it('refuses bytes that do not match the fixture leaf digests, leaving no file and no revision', async () => {
      const before = await storedCount();
      const filesBefore = await contentFiles();
      // The real leaf is already imported: the bytes are checked all the same and nothing is kept.
      await rejectsWith(
        importer.execute({ xml: fixtureXml('leaf'), source: 'imported', files: [{ fileName: 'AM_Delta.exe', content: Buffer.from('not the defender delta') }] }, context()),
        'CONTENT.DIGEST_MISMATCH',
        /AM_Delta\.exe: SHA-1 of the bytes is .* declares h\/W9BGlYUAaqXTp30cZi\/SiV3c0=/,
      );
      // A new document with wrong bytes: no document, no event, no file.
      const newLeaf = fixtureXml('leaf').replace(LEAF_UPDATE_ID, randomUUID());
      await rejectsWith(
        importer.execute({ xml: newLeaf, source: 'imported', files: [{ fileName: 'AM_Delta.exe', content: randomBytes(1000) }] }, context()),
        'CONTENT.DIGEST_MISMATCH',
      );
      // Right SHA-1, wrong SHA-256.
      const bytes = randomBytes(4096);
      const d = digests(bytes);
      const wrong256 = leafWithFile({ sha1: d.sha1, sha256: digests(randomBytes(8)).sha256, size: bytes.length });
      await rejectsWith(
        importer.execute({ xml: wrong256.xml, source: 'imported', files: [{ fileName: 'AM_Delta.exe', content: bytes }] }, context()),
        'CONTENT.DIGEST_MISMATCH',
        /SHA-256 of the bytes is/,
      );
      // Right digests, wrong declared size.
      const wrongSize = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length + 1 });
      await rejectsWith(
        importer.execute({ xml: wrongSize.xml, source: 'imported', files: [{ fileName: 'AM_Delta.exe', content: bytes }] }, context()),
        'CONTENT.SIZE_MISMATCH',
      );
      // A file the document does not list.
      await rejectsWith(
        importer.execute({ xml: wrongSize.xml, source: 'imported', files: [{ fileName: 'other.cab', content: bytes }] }, context()),
        'CONTENT.UNKNOWN_FILE',
        /lists: AM_Delta\.exe/,
      );
      // One good file and one bad: neither is kept.
      const two = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length });
      const twoFiles = two.xml.replace(
        '</upd:Files>',
        `<upd:File Digest="${d.sha1}" DigestAlgorithm="SHA1" FileName="second.cab" Size="${bytes.length}"><upd:AdditionalDigest Algorithm="SHA256">${d.sha256}</upd:AdditionalDigest></upd:File></upd:Files>`,
      );
      await rejectsWith(
        importer.execute(
          { xml: twoFiles, source: 'imported', files: [{ fileName: 'AM_Delta.exe', content: bytes }, { fileName: 'second.cab', content: randomBytes(10) }] },
          context(),
        ),
        'CONTENT.DIGEST_MISMATCH',
      );
      assert.deepEqual(await storedCount(), before);
      assert.deepEqual(await contentFiles(), filesBefore, 'no content and no temporary file left behind');
    });

    it('gives one RevisionID to concurrent imports of the same new revision', async () => {
      const xml = fixtureXml('smallBundle').replace(SMALL_BUNDLE_UPDATE_ID, randomUUID());
      const results = await Promise.all(Array.from({ length: 6 }, () => importer.execute({ xml, source: 'synced' }, context())));
      assert.equal(new Set(results.map((r) => r.revisionId)).size, 1);
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal((await store.readStream(updateStream(results[0]!.updateId))).version, 1n);
    });

    it('lets exactly one of two different documents racing for one new revision in', async () => {
      const updateId = randomUUID();
      const base = fixtureXml('smallBundle').replace(SMALL_BUNDLE_UPDATE_ID, updateId);
      const other = base.replace('<upd:Title>HIDDEN', '<upd:Title>OTHER');
      const before = await count('ms_update_documents');
      const outcomes = await Promise.allSettled([
        importer.execute({ xml: base, source: 'synced' }, context()),
        importer.execute({ xml: other, source: 'synced' }, context()),
        importer.execute({ xml: base, source: 'synced' }, context()),
        importer.execute({ xml: other, source: 'synced' }, context()),
      ]);
      const created = outcomes.filter((o) => o.status === 'fulfilled' && o.value.created);
      assert.equal(created.length, 1);
      const { events } = await store.readStream(updateStream(updateId));
      assert.equal(events.length, 1);
      const winner = (events[0]!.data as UpdateRevisionImportedData).documentSha256;
      for (const [i, outcome] of outcomes.entries()) {
        const mine = sha256Hex(i % 2 === 0 ? base : other);
        if (mine === winner) assert.equal(outcome.status, 'fulfilled', `import ${i} carries the winning document`);
        else {
          assert.equal(outcome.status, 'rejected', `import ${i} carries the losing document`);
          assert.equal(((outcome as PromiseRejectedResult).reason as CodedError).code, 'UPDATE.REVISION_CONFLICT');
        }
      }
      assert.equal(await count('ms_update_documents'), before + 1, 'the losing document is not kept');
    });

    it('rebuilds the same tables from the log and the document store', async () => {
      const before = await snapshot();
      assert.ok(before.revisions.length >= 8);
      await db.exec('DELETE FROM ms_revision_files; DELETE FROM ms_revision_fragments; DELETE FROM ms_files; DELETE FROM ms_revisions;');
      await runner.rebuild();
      assert.deepEqual(await snapshot(), before);
      // The fragments a rebuild derives are those the import derived (fragmentRows is the one derivation).
      const leafRows = fragmentRows(fixtureXml('leaf'), readUpdateDocument(fixtureXml('leaf')).fragments.core);
      assert.deepEqual(
        before.fragments.filter((f) => (f as { revision_id: number }).revision_id === 2).map((f) => (f as { xml: string }).xml).sort(),
        leafRows.map((r) => r.xml).sort(),
      );
    });

    it('keeps the RevisionID allocator ahead of ids replayed from the log', async () => {
      await db.exec(`SELECT setval('ms_revision_id_seq', 1)`);
      await runner.rebuild();
      const xml = fixtureXml('smallBundle').replace(SMALL_BUNDLE_UPDATE_ID, randomUUID());
      const maxId = Number((await db.query<{ m: number }>('SELECT max(revision_id) AS m FROM ms_revisions')).rows[0]!.m);
      assert.equal((await importer.execute({ xml, source: 'imported' }, context())).revisionId, maxId + 1);
    });

    it('stores license files by their EulaFile digest and serves their text by locale; refuses wrong bytes', async () => {
      const en = Buffer.from('LICENSE TERMS\nYou agree.\n', 'utf8');
      const de = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('LIZENZBEDINGUNGEN – Größe\n', 'utf16le')]);
      const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('base64');
      const updateId = randomUUID();
      const xml = fixtureXml('smallBundle')
        .replace(SMALL_BUNDLE_UPDATE_ID, updateId)
        .replace(
          '</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>',
          `</upd:LocalizedProperties><upd:EulaFile Digest="${sha1(en)}" DigestAlgorithm="SHA1" FileName="eula-en.txt" Size="${en.length}" Language="en" />` +
            `<upd:EulaFile Digest="${sha1(de)}" DigestAlgorithm="SHA1" FileName="eula-de.txt" Size="${de.length}" Language="de" /></upd:LocalizedPropertiesCollection>`,
        );
      const before = await storedCount();
      await rejectsWith(
        importer.execute({ xml, source: 'imported', files: [{ fileName: 'eula-en.txt', content: Buffer.from('other terms') }] }, context()),
        'CONTENT.DIGEST_MISMATCH',
      );
      assert.deepEqual(await storedCount(), before, 'wrong license bytes store nothing');

      const result = await importer.execute(
        { xml, source: 'imported', files: [{ fileName: 'eula-en.txt', content: en }, { fileName: 'EULA-DE.TXT', content: de }] },
        context(),
      );
      assert.equal(result.change, 'new');
      assert.equal(result.storedFiles.length, 2);
      const german = await getEula(db, content, result.revisionId, ['de-CH']);
      assert.deepEqual(german.available.map((a) => a.locale).sort(), ['de', 'en']);
      assert.equal(german.files.length, 1);
      assert.equal(german.files[0]!.text, 'LIZENZBEDINGUNGEN – Größe\n');
      assert.equal(german.files[0]!.size, de.length);
      assert.equal(german.files[0]!.stored, true);
      const english = await getEula(db, content, result.revisionId, []);
      assert.equal(english.files[0]!.text, 'LICENSE TERMS\nYou agree.\n');
      const none = await getEula(db, content, ids.leaf!, ['en']);
      assert.deepEqual(none, { revisionId: ids.leaf, available: [], files: [] });
    });

    it('records each import as a synchronization run: Started, then Completed with the tally or the refusal', async () => {
      const newUpdate = fixtureXml('smallBundle').replace(SMALL_BUNDLE_UPDATE_ID, randomUUID());
      const ok = await importAsSynchronization(store, importer, { xml: newUpdate, source: 'imported' }, context('admin:x'), (e) => { throw e; });
      const okEvents = (await store.readStream(synchronizationStream(ok.synchronizationId))).events;
      assert.deepEqual(okEvents.map((e) => e.type), ['SynchronizationStarted', 'SynchronizationCompleted']);
      assert.deepEqual(okEvents[0]!.data, { runId: ok.synchronizationId, source: 'import', trigger: 'manual', upstreamServerUrl: null, expectedItems: 1 });
      assert.deepEqual(okEvents[1]!.data, {
        runId: ok.synchronizationId, newUpdates: 1, revisedUpdates: 0, expiredUpdates: 0, unchangedUpdates: 0, errors: [], errorCount: 0,
      });
      assert.equal(okEvents[1]!.metadata.actor, 'admin:x');

      const conflicting = fixtureXml('leaf').replace('</upd:Update>', '<!-- changed --></upd:Update>');
      const runsBefore = await count(`ws_streams WHERE stream_id LIKE 'synchronization-%'`);
      await rejectsWith(importAsSynchronization(store, importer, { xml: conflicting, source: 'imported' }, context(), (e) => { throw e; }), 'UPDATE.REVISION_CONFLICT');
      const refused = (await db.query<{ data: { errors: { updateId: string; revisionNumber: number; code: string }[]; errorCount: number } }>(
        `SELECT data FROM ws_events WHERE event_type = 'SynchronizationCompleted' ORDER BY global_sequence DESC LIMIT 1`,
      )).rows[0]!.data;
      assert.equal(await count(`ws_streams WHERE stream_id LIKE 'synchronization-%'`), runsBefore + 1);
      assert.equal(refused.errorCount, 1);
      assert.deepEqual(
        { updateId: refused.errors[0]!.updateId, revisionNumber: refused.errors[0]!.revisionNumber, code: refused.errors[0]!.code },
        { updateId: LEAF_UPDATE_ID, revisionNumber: 200, code: 'UPDATE.REVISION_CONFLICT' },
      );
    });

    it('uploads: stored by SHA-256 and recorded, staged by digest into the WSUS layout, deletable only while no revision uses them', async () => {
      const uploads = new UploadedContentService(store, new UploadedContentStore(contentDir));
      const bytes = randomBytes(200_000);
      const d = digests(bytes);
      const hex = createHash('sha256').update(bytes).digest('hex');
      const first = await uploads.upload(Readable.from([bytes]), hex, { maxBytes: 1_000_000 }, context());
      assert.deepEqual(first, { sha256: hex, sha1: d.sha1, size: bytes.length, created: true });
      const again = await uploads.upload(Readable.from([bytes]), hex.toUpperCase(), { maxBytes: 1_000_000 }, context());
      assert.equal(again.created, false);
      assert.equal(await count(`ws_events WHERE stream_id = $1 AND event_type = 'ContentUploaded'`, [`content-${hex}`]), 1);

      await rejectsWith(uploads.resolve(createHash('sha256').update('other').digest('hex'), 'files.0'), 'CONTENT.NOT_UPLOADED', /files\.0: no content with SHA-256/);
      const resolved = await uploads.resolve(hex, 'files.0');
      const { xml } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length });
      const verified = { verifiedPath: resolved.path, sha1: resolved.sha1, sha256: resolved.sha256Base64, size: resolved.size };
      const imported = await importer.execute({ xml, source: 'imported', files: [{ fileName: 'AM_Delta.exe', content: verified }] }, context());
      const relative = `${d.sha1Hex.slice(-2)}/${d.sha1Hex}.exe`;
      assert.deepEqual(imported.storedFiles, [`/Content/${relative}`]);
      assert.deepEqual(await readFile(path.join(contentDir, relative)), bytes);

      // Digests recorded at upload that disagree with the document: refused, nothing stored.
      const other = randomBytes(1000);
      const od = digests(other);
      const mismatched = leafWithFile({ sha1: od.sha1, sha256: od.sha256, size: other.length });
      await rejectsWith(importer.execute({ xml: mismatched.xml, source: 'imported', files: [{ fileName: 'AM_Delta.exe', content: verified }] }, context()), 'CONTENT.DIGEST_MISMATCH');

      await runner.catchUp();
      await rejectsWith(uploads.delete(hex, context()), 'CONTENT.IN_USE', new RegExp(`RevisionID ${imported.revisionId}`));
      assert.ok(await uploads.describe(hex), 'a refused delete keeps the upload');

      const spare = randomBytes(5000);
      const spareHex = createHash('sha256').update(spare).digest('hex');
      await uploads.upload(Readable.from([spare]), spareHex, { maxBytes: 1_000_000 }, context());
      assert.equal((await uploads.delete(spareHex, context())).sha256, spareHex);
      assert.equal(await uploads.describe(spareHex), null);
      await rejectsWith(uploads.delete(spareHex, context()), 'CONTENT.NOT_FOUND');
    });
  });
}

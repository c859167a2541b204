import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type CausationContext,
  CodedError,
  EventSchemaRegistry,
  METADATA_EVENTS,
  SYSTEM_EVENTS,
  type UpdateRevisionImportedData,
  updateStream,
} from '#contracts';
import { EventStore, PgliteDatabase, type ProjectionRunner } from '#event-store';
import { fixturePath } from '#test-support';
import { readUpdateDocument } from '#wsus-codecs/update-metadata';
import { ContentStore } from '../content-store/content-store.js';
import { getFileLocations } from '../get-file-locations/get-file-locations.query.js';
import { getFragments } from '../get-fragments/get-fragments.query.js';
import { ImportUpdateUseCase } from '../import-update/import-update.use-case.js';
import { METADATA_STORE_MIGRATIONS } from '../metadata-store.migrations.js';
import { loadDocument } from '../update-documents/update-documents.store.js';
import { findRevision } from '../update-revisions/update-revisions.queries.js';
import { updateRevisionsProjection } from '../update-revisions/update-revisions.projection.js';
import { CLASSIFICATIONS } from './domain/classifications.js';
import type { PublishUpdateInput } from './domain/publish-update.request.js';
import type { PublishUpdateBusRequest } from './publish-update.api.js';
import { PublishUpdateRpcController } from './publish-update.rpc.controller.js';
import { PublishUpdateUseCase } from './publish-update.use-case.js';

const CORRELATION = '6f1d9a52-7e0b-4c55-9a4e-0d1f2b3c4d5e';
const NOW = new Date('2026-11-25T12:00:00.000Z');
const PRODUCT = 'a1b2c3d4-0000-4000-8000-000000000001';
const OLD_UPDATE = 'ce84983e-b20e-44d7-a412-1fd91fc7bda8';

const context = (actor = 'admin:alice'): CausationContext => ({
  correlationId: CORRELATION,
  causationId: null,
  traceparent: null,
  actor,
  now: () => NOW,
  newId: randomUUID,
});

const metadata = (over: Partial<PublishUpdateInput> = {}): PublishUpdateInput => ({
  title: 'Contoso Agent 2.1',
  description: 'Installs Contoso Agent 2.1.',
  classification: 'Security Updates',
  productIds: [PRODUCT],
  kbArticleId: '5001234',
  msrcSeverity: 'Critical',
  applicability: {
    isInstalled: { type: 'FileVersion', path: 'Contoso\\agent.exe', csidl: 38, comparison: 'GreaterThanOrEqualTo', version: '2.1.0.0' },
    isInstallable: { type: 'WindowsVersion', comparison: 'GreaterThanOrEqualTo', majorVersion: 10 },
  },
  supersededUpdateIds: [OLD_UPDATE],
  installer: { kind: 'commandLine', program: 'setup.exe', arguments: '/quiet' },
  ...over,
});

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CodedError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('publish-update on PGlite, through the real import path', () => {
  let db: PgliteDatabase;
  let store: EventStore;
  let runner: ProjectionRunner;
  let contentDir: string;
  let content: ContentStore;
  let publish: PublishUpdateUseCase;
  let importer: ImportUpdateUseCase;
  const setup = randomBytes(48 * 1024);
  const sha1 = createHash('sha1').update(setup).digest('base64');
  const sha1Hex = createHash('sha1').update(setup).digest('hex').toUpperCase();
  const sha256 = createHash('sha256').update(setup).digest('base64');
  let first: { updateId: string; revisionNumber: number; revisionId: number };

  const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`)).rows[0]!.n);
  const stored = async () => ({
    documents: await count('ms_update_documents'),
    events: await count(`ws_events WHERE stream_id LIKE 'update-%'`),
    contentFiles: (await readdir(contentDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length,
  });

  before(async () => {
    db = await PgliteDatabase.open();
    store = await EventStore.open(db, {
      registry: new EventSchemaRegistry([...SYSTEM_EVENTS, ...METADATA_EVENTS]),
      migrations: METADATA_STORE_MIGRATIONS,
    });
    runner = store.projectionRunner(updateRevisionsProjection);
    contentDir = await mkdtemp(path.join(os.tmpdir(), 'ws-publish-'));
    content = new ContentStore(contentDir);
    importer = new ImportUpdateUseCase(store, content, runner, {
      onProjectionError: (e) => {
        throw e;
      },
    });
    publish = new PublishUpdateUseCase(store, importer);
  });

  after(async () => {
    await store?.close();
    if (contentDir) await rm(contentDir, { recursive: true, force: true });
  });

  it('publishes: UpdateRevisionImported in the log, the file stored content-addressed, fragments and locations queryable', async () => {
    first = await publish.execute({ request: metadata(), files: [{ fileName: 'setup.exe', content: setup }] }, context());
    assert.match(first.updateId, /^[0-9a-f-]{36}$/);
    assert.equal(first.revisionNumber, 100);
    assert.equal(first.revisionId, 1);

    const events = (await store.readStream(updateStream(first.updateId))).events;
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'UpdateRevisionImported');
    assert.equal(events[0]!.metadata.actor, 'admin:alice');
    assert.equal(events[0]!.metadata.correlationId, CORRELATION);
    const data = events[0]!.data as UpdateRevisionImportedData;
    assert.equal(data.source, 'published');
    assert.equal(data.revisionId, 1);
    assert.equal(data.revisionNumber, 100);
    assert.equal(data.title, 'Contoso Agent 2.1');
    assert.deepEqual(data.categoryIds, [PRODUCT, CLASSIFICATIONS['Security Updates']]);
    assert.deepEqual(data.prerequisites, [[PRODUCT], [CLASSIFICATIONS['Security Updates']]]);
    assert.deepEqual(data.supersededUpdateIds, [OLD_UPDATE]);
    assert.deepEqual(data.files, [{ sha1, sha256, size: setup.length, fileName: 'setup.exe' }]);

    // The stored document is the generated one, and reads back the same.
    const xml = await loadDocument(db, data.documentSha256);
    assert.ok(xml !== null);
    assert.equal(readUpdateDocument(xml).summary.identity.updateId, first.updateId);

    const revision = await findRevision(db, first.updateId);
    assert.equal(revision?.revisionId, 1);
    assert.equal(revision?.source, 'published');

    const [fragments] = await getFragments(db, { revisionIds: [1], kinds: ['Core', 'Extended', 'LocalizedProperties'], locales: ['en'] });
    const byKind = new Map(fragments!.fragments.map((f) => [f.kind, f.xml]));
    assert.equal(byKind.get('Core'), data.coreXml);
    assert.ok(byKind.get('Core')!.startsWith(`<UpdateIdentity UpdateID="${first.updateId}" RevisionNumber="100" /><Properties UpdateType="Software" ExplicitlyDeployable="true" />`));
    assert.match(byKind.get('Extended')!, /^<ExtendedProperties DefaultPropertiesLanguage="en" IsLocallyPublished="true" .*MsrcSeverity="Critical">/);
    assert.match(byKind.get('Extended')!, /<HandlerSpecificData type="cmd:CommandLineInstallation"><InstallCommand Program="setup.exe" Arguments="\/quiet">/);
    assert.match(byKind.get('LocalizedProperties')!, /<Title>Contoso Agent 2\.1<\/Title>/);

    const [location] = await getFileLocations(db, content, [sha1]);
    assert.deepEqual(location, {
      sha1,
      urlPath: `/Content/${sha1Hex.slice(-2)}/${sha1Hex}.exe`,
      size: setup.length,
      exists: true,
      fileName: 'setup.exe',
      sha256,
    });
    assert.deepEqual(await readFile(path.join(contentDir, sha1Hex.slice(-2), `${sha1Hex}.exe`)), setup);
  });

  it('re-publishing the update makes revision 101 with a new RevisionID, superseding nothing', async () => {
    const second = await publish.execute(
      { request: metadata({ updateId: first.updateId, supersededUpdateIds: [], title: 'Contoso Agent 2.1 (re-released)' }), files: [{ fileName: 'setup.exe', content: setup }] },
      context('admin:bob'),
    );
    assert.deepEqual(second, { updateId: first.updateId, revisionNumber: 101, revisionId: 2 });
    const events = (await store.readStream(updateStream(first.updateId))).events;
    assert.deepEqual(
      events.map((e) => [(e.data as UpdateRevisionImportedData).revisionNumber, (e.data as UpdateRevisionImportedData).supersededUpdateIds]),
      [
        [100, [OLD_UPDATE]],
        [101, []],
      ],
    );
    assert.equal((await findRevision(db, first.updateId))?.title, 'Contoso Agent 2.1 (re-released)');
    assert.equal((await findRevision(db, first.updateId, 100))?.revisionId, 1);
  });

  it('two concurrent re-publications of one update both land, on consecutive revision numbers', async () => {
    const again = (title: string) =>
      publish.execute({ request: metadata({ updateId: first.updateId, title }), files: [{ fileName: 'setup.exe', content: setup }] }, context());
    const results = await Promise.all([again('race A'), again('race B')]);
    assert.deepEqual(results.map((r) => r.revisionNumber).sort(), [102, 103]);
    assert.equal((await store.readStream(updateStream(first.updateId))).events.length, 4);
  });

  it('over the bus controller: base64 files, the actor recorded, the reply {updateId, revisionNumber, revisionId}', async () => {
    const controller = new PublishUpdateRpcController(publish);
    const payload: PublishUpdateBusRequest = {
      ...metadata({ installer: { kind: 'windowsInstaller', productCode: '{A1B2C3D4-0001-4000-8000-000000000100}', msiFile: 'app.msi' }, applicability: {} }),
      files: [{ fileName: 'app.msi', contentBase64: Buffer.from('msi bytes').toString('base64'), modified: '2026-10-05T11:00:55.642Z' }],
      actor: 'admin:carol',
    };
    const meta = { correlationId: CORRELATION, causationId: null, traceparent: null, sentAt: NOW.toISOString() };
    const reply = await controller.handle({ meta, payload });
    assert.equal(reply.revisionNumber, 100);
    assert.equal(reply.revisionId, 5);
    const event = (await store.readStream(updateStream(reply.updateId))).events[0]!;
    assert.equal(event.metadata.actor, 'admin:carol');
    const xml = await loadDocument(db, (event.data as UpdateRevisionImportedData).documentSha256);
    assert.ok(xml!.includes('Modified="2026-10-05T11:00:55.642Z"'));
    assert.ok(xml!.includes('<msp:MsiData ProductCode="{a1b2c3d4-0001-4000-8000-000000000100}" MsiFile="app.msi" />'));

    await rejectsWith(controller.handle({ meta, payload: { ...payload, files: [{ fileName: 'a.exe', contentBase64: '!!' }] } }), 'REQUEST.INVALID', /files\.0\.contentBase64/);
  });

  describe('refusals store nothing', () => {
    const refuse = async (request: unknown, files: { fileName: string; content: Buffer }[], message: RegExp) => {
      const before = await stored();
      await rejectsWith(publish.execute({ request, files }, context()), 'REQUEST.INVALID', message);
      assert.deepEqual(await stored(), before);
    };
    const setupFile = [{ fileName: 'other.exe', content: randomBytes(1000) }];

    it('an applicability rule outside the vocabulary, named by its path', async () => {
      await refuse(
        metadata({ applicability: { isInstalled: { type: 'RegDword', key: 'HKEY_LOCAL_MACHINE', subkey: 'S', comparison: 'Equals', data: 1 } as never } }),
        [{ fileName: 'setup.exe', content: setup }],
        /applicability\.isInstalled\.comparison/,
      );
    });

    it('an unknown classification and a missing title, both named', async () => {
      await refuse({ ...metadata(), classification: 'Hotfixes', title: undefined }, [{ fileName: 'setup.exe', content: setup }], /title: .*classification: |classification: .*title: /);
    });

    it('a revision of an update that was imported, not published here', async () => {
      const leaf = readFileSync(
        fixturePath('update-metadata', 'wsusss-GetUpdateData-decoded', '266f6222-c89d-43f2-9f8a-69340271e677-r200.DefenderFullDeltas-leaf-commandline-with-file.xml'),
        'utf8',
      );
      await importer.execute({ xml: leaf, source: 'synced' }, context());
      await refuse(metadata({ updateId: '266f6222-c89d-43f2-9f8a-69340271e677' }), [{ fileName: 'setup.exe', content: setup }], /updateId: .* was synced, not published here/);
    });

    it('a program that is not one of the files', async () => {
      await refuse(metadata(), setupFile, /installer\.program: setup\.exe is not one of the published files/);
    });

    it('a file name with a path in it', async () => {
      await refuse(metadata(), [{ fileName: '..\\setup.exe', content: setup }], /files\.0\.fileName/);
    });

    it('an update that supersedes itself', async () => {
      await refuse(metadata({ updateId: first.updateId, supersededUpdateIds: [first.updateId] }), [{ fileName: 'setup.exe', content: setup }], /supersededUpdateIds\.0: an update cannot supersede itself/);
    });
  });
});

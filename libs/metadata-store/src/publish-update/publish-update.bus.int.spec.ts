import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { CodedError, METADATA_EVENTS, updateStream } from '#contracts';
import type { EventStore } from '#event-store';
import {
  createLogger,
  EVENT_STORE,
  loadConfig,
  type RunningServer,
  serve,
  type ServiceRegistration,
  WATERSHED_CONFIG,
  type WatershedConfig,
} from '#platform';
import { ContentStore } from '../content-store/content-store.js';
import { ImportUpdateUseCase } from '../import-update/import-update.use-case.js';
import { METADATA_STORE_MIGRATIONS } from '../metadata-store.migrations.js';
import { MetadataStoreModule } from '../metadata-store.module.js';
import { UpdateRevisionsFollower } from '../update-revisions/update-revisions.follower.js';
import { type PublishUpdateBusRequest, type PublishUpdateReply, PublishUpdateSubject } from './publish-update.api.js';
import { PublishUpdateRpcController } from './publish-update.rpc.controller.js';
import { PublishUpdateUseCase } from './publish-update.use-case.js';

/**
 * The controller and use case wired as the report asks metadata-store.module.ts to wire them
 * (MetadataStoreModule does not export its providers, so this test module declares the same
 * factories), served by the real serve() and reached over its in-process bus.
 */
@Module({
  imports: [MetadataStoreModule],
  controllers: [PublishUpdateRpcController],
  providers: [
    UpdateRevisionsFollower,
    { provide: ContentStore, useFactory: (config: WatershedConfig) => new ContentStore(config.contentDir), inject: [WATERSHED_CONFIG] },
    {
      provide: ImportUpdateUseCase,
      useFactory: (store: EventStore, content: ContentStore, follower: UpdateRevisionsFollower) => new ImportUpdateUseCase(store, content, follower.runner),
      inject: [EVENT_STORE, ContentStore, UpdateRevisionsFollower],
    },
    {
      provide: PublishUpdateUseCase,
      useFactory: (store: EventStore, importer: ImportUpdateUseCase) => new PublishUpdateUseCase(store, importer),
      inject: [EVENT_STORE, ImportUpdateUseCase],
    },
  ],
})
class PublishingTestModule {}

describe('publish-update over the bus of a running all-in-one server', () => {
  let dataDir: string;
  let server: RunningServer;
  const request = <T>(payload: unknown): Promise<T> => server.runtime.bus.request<T>(PublishUpdateSubject, payload, { timeoutMs: 10_000 });

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'ws-publish-bus-'));
    const config = loadConfig({ WATERSHED_INSTANCE_ID: 'publish-bus-test' }, { port: '0', host: '127.0.0.1', dataDir, logLevel: 'silent' });
    const logger = createLogger({ level: 'silent', instanceId: config.instanceId, services: config.services });
    const registration: ServiceRegistration = {
      name: 'metadata-store',
      module: PublishingTestModule,
      eventDefinitions: METADATA_EVENTS,
      migrations: METADATA_STORE_MIGRATIONS,
    };
    server = await serve(config, logger, [registration]);
  });

  after(async () => {
    await server?.stop('test over');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const payload = (over: Partial<PublishUpdateBusRequest> = {}): PublishUpdateBusRequest => ({
    title: 'Contoso Agent 2.1',
    description: 'Installs Contoso Agent 2.1.',
    classification: 'Updates',
    applicability: { isInstalled: { type: 'RegKeyExists', key: 'HKEY_LOCAL_MACHINE', subkey: 'SOFTWARE\\Contoso\\Agent\\2.1' } },
    installer: { kind: 'commandLine', program: 'setup.exe', arguments: '/quiet' },
    files: [{ fileName: 'setup.exe', contentBase64: Buffer.from('installer bytes').toString('base64') }],
    actor: 'admin:alice',
    ...over,
  });

  it('publishes on wsus.metadata.cmd.publish-update and answers {updateId, revisionNumber, revisionId}', async () => {
    assert.equal(PublishUpdateSubject, 'wsus.metadata.cmd.publish-update');
    const reply = await request<PublishUpdateReply>(payload());
    assert.equal(reply.revisionNumber, 100);
    assert.equal(reply.revisionId, 1);
    const event = (await server.runtime.store.readStream(updateStream(reply.updateId))).events[0]!;
    assert.equal(event.type, 'UpdateRevisionImported');
    assert.equal(event.metadata.actor, 'admin:alice');
    const file = (event.data as { files: { sha1: string }[] }).files[0]!;
    const hex = Buffer.from(file.sha1, 'base64').toString('hex').toUpperCase();
    assert.deepEqual(await readFile(path.join(server.runtime.config.contentDir, hex.slice(-2), `${hex}.exe`)), Buffer.from('installer bytes'));
  });

  it('refuses bad input with REQUEST.INVALID naming the field, across the bus', async () => {
    await assert.rejects(request(payload({ classification: 'Hotfixes' as never })), (error: unknown) => {
      assert.ok(error instanceof CodedError, String(error));
      assert.equal(error.code, 'REQUEST.INVALID');
      assert.match(error.message, /classification/);
      return true;
    });
    await assert.rejects(request(payload({ installer: { kind: 'commandLine', program: 'missing.exe' } })), (error: unknown) => {
      assert.ok(error instanceof CodedError);
      assert.equal(error.code, 'REQUEST.INVALID');
      assert.match(error.message, /installer\.program: missing\.exe is not one of the published files/);
      return true;
    });
  });
});

import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ALL_COMPUTERS_GROUP_ID,
  type CausationContext,
  DEPLOYMENT_EVENTS,
  METADATA_EVENTS,
  newEvent,
  serviceQueue,
  subject,
  updateApprovalStream,
  updateStream,
} from '#contracts';
import type { BusMessage } from '#messaging';
import { createLogger, loadConfig, type RunningServer, serve, type ServiceRegistration } from '#platform';
import { WindowsUpdateAgentClient } from '#test-support';
import { SoapGatewayModule, SoapGatewayService } from '../index.js';
import { guid } from '../scan-index/testing/scan-catalog.builder.js';
import { SCAN_PROVIDERS } from '../scan-index/scan.providers.js';
import { ScanIndexService } from '../scan-index/scan-index.service.js';

/**
 * The scan path wired into a booted all-in-one server and walked over HTTP by the WUA test client:
 * handshake, staged SyncUpdates, the driver pass, GetExtendedUpdateInfo, then a differential
 * rescan after an admin withdraws an approval. The metadata store is a stand-in on the bus.
 */
const SHA1 = Buffer.from('A379D5526FB3A7A0423DA1CD7FC3182A8D448449', 'hex').toString('base64');

@Controller()
class FakeMetadataController {
  @MessagePattern(subject('metadata', 'qry', 'fragments'), { queue: serviceQueue('metadata-store') })
  fragments(@Payload() m: BusMessage<{ revisionIds: number[]; kinds: string[] }>): unknown[] {
    return m.payload.revisionIds.map((revisionId) => ({
      revisionId,
      fragments: m.payload.kinds.map((kind) => ({ kind, locale: kind === 'Extended' ? null : 'en', geoId: null, xml: `<${kind} of="${revisionId}" />` })),
    }));
  }

  @MessagePattern(subject('metadata', 'qry', 'file-locations'), { queue: serviceQueue('metadata-store') })
  locations(@Payload() m: BusMessage<{ sha1s: string[] }>): unknown[] {
    return m.payload.sha1s.map((sha1) => ({ sha1, urlPath: '/Content/49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe', size: 1, exists: false, fileName: 'x.exe', sha256: null }));
  }
}
@Module({ controllers: [FakeMetadataController] })
class FakeMetadataModule {}

/** Once SCAN_PROVIDERS are in the soap-gateway module this suite tests that module as is. */
const integrated = ((Reflect.getMetadata('providers', SoapGatewayModule) as unknown[] | undefined) ?? []).includes(ScanIndexService);
@Module({ imports: [SoapGatewayModule], providers: SCAN_PROVIDERS })
class SoapGatewayWithScanModule {}

const registrations: ServiceRegistration[] = [
  { ...SoapGatewayService, module: integrated ? SoapGatewayModule : SoapGatewayWithScanModule },
  { name: 'metadata-store', module: FakeMetadataModule, eventDefinitions: [...METADATA_EVENTS], migrations: [] },
  { name: 'deployment', module: class {}, eventDefinitions: [...DEPLOYMENT_EVENTS], migrations: [] },
];

const ctx: CausationContext = { correlationId: randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(), newId: randomUUID };

function imported(revisionId: number, updateId: string, updateType: 'Software' | 'Category' | 'Detectoid', prerequisites: string[][] = [], files: { sha1: string; fileName: string; size: number }[] = []) {
  return newEvent(ctx, 'UpdateRevisionImported', 1, {
    revisionId,
    updateId,
    revisionNumber: 100,
    updateType,
    title: `update ${revisionId}`,
    prerequisites,
    categoryIds: updateType === 'Software' ? prerequisites.flat() : [],
    bundledRevisions: [],
    supersededUpdateIds: [],
    files: files.map((f) => ({ ...f, sha256: null })),
    eulaId: null,
    languages: ['en'],
    coreXml: `<UpdateIdentity UpdateID="${updateId}" RevisionNumber="100" /><Properties UpdateType="${updateType}" />`,
    documentSha256: 'b'.repeat(64),
    source: 'imported',
  });
}

describe('SyncUpdates and GetExtendedUpdateInfo over HTTP', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-scan-'));
  let server: RunningServer;
  const company = guid(1);
  const product = guid(2);
  const detectoid = guid(3);
  const update = guid(4);

  before(async () => {
    const env = { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', WATERSHED_COOKIE_KEYS: `t1:${randomBytes(32).toString('base64')}`, WATERSHED_PUBLIC_URL: '' };
    const config = loadConfig(env, { port: '0', host: '127.0.0.1' });
    server = await serve(config, createLogger({ level: 'silent', instanceId: 'scan-test', services: config.services }), registrations);
    const store = server.runtime.store;
    await store.append(updateStream(company), [imported(11, company, 'Category')], 'no-stream');
    await store.append(updateStream(product), [imported(12, product, 'Category', [[company]])], 'no-stream');
    await store.append(updateStream(detectoid), [imported(13, detectoid, 'Detectoid')], 'no-stream');
    await store.append(updateStream(update), [imported(14, update, 'Software', [[product], [detectoid]], [{ sha1: SHA1, fileName: 'x.exe', size: 1 }])], 'no-stream');
    await store.append(
      updateApprovalStream(update),
      [newEvent(ctx, 'UpdateApproved', 1, { deploymentId: 41, updateId: update, revisionNumber: 100, groupId: ALL_COMPUTERS_GROUP_ID, action: 'Install', deadline: null })],
      'no-stream',
    );
  });
  after(async () => {
    await server?.stop('test done');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('walks a staged scan, the driver pass and extended info like a Windows client, then sees a withdrawn approval', async () => {
    const client = new WindowsUpdateAgentClient(server.url, { clientId: randomUUID(), dnsName: 'scan-pc' });
    await client.getConfig();
    await client.getAuthorizationCookie();
    await client.getCookie();

    const pages = await client.syncSoftware();
    assert.deepEqual(
      pages.map((p) => p.newUpdates.map((u) => [u.revisionId, u.deploymentAction, u.isLeaf])),
      [
        [
          [11, 'Evaluate', false],
          [13, 'Evaluate', false],
        ],
        [[12, 'Evaluate', false]],
        [[14, 'Install', true]],
      ],
    );
    assert.equal(pages.at(-1)?.driverSyncNotNeeded, 'true');

    const drivers = await client.syncDrivers();
    assert.deepEqual([drivers.newUpdates.length, drivers.truncated, drivers.driverSyncNotNeeded], [0, false, 'true']);

    const info = await client.getExtendedUpdateInfo([14, 11, 999], ['Extended', 'LocalizedProperties']);
    const xml = JSON.stringify(info);
    assert.match(xml, /Extended of=\\"14\\"/);
    assert.match(xml, /LocalizedProperties of=\\"11\\"/);
    assert.match(xml, /Content\/49\/A379D5526FB3A7A0423DA1CD7FC3182A8D448449\.exe/);
    assert.match(xml, /999/);

    await server.runtime.store.append(updateApprovalStream(update), [newEvent(ctx, 'UpdateApprovalRemoved', 1, { updateId: update, groupId: ALL_COMPUTERS_GROUP_ID })], 'any');
    // The gateway follows the log asynchronously: poll the way a client would rescan later.
    let rescan = await client.syncUpdatesPage();
    for (let i = 0; i < 50 && rescan.outOfScope.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      rescan = await client.syncUpdatesPage();
    }
    assert.deepEqual(rescan.outOfScope, [14]);
    assert.deepEqual(rescan.newUpdates, []);
  });
});

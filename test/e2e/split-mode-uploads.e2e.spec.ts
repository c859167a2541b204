import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  categoryDocumentXml,
  createTestDatabase,
  requireServices,
  startWatershed,
  TEST_NATS_URL,
  type TestDatabase,
  uniqueNatsNamespace,
  type WatershedProcess,
  WindowsUpdateAgentClient,
} from '#test-support';
import { AdminApi, type AdminReply } from '../support/scenario/index.js';

const skip = await requireServices('postgres', 'nats');
const UPDATES_CLASSIFICATION = 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83';

/**
 * Uploads in split mode, as the chart and compose route them: the upload, publish by digest and
 * import go to the metadata-store process (it owns the content directory), approvals to the
 * deployment process, and a client downloads the file from a separate gateway process sharing the
 * content volume read-only.
 */
describe('split mode: content uploads reach metadata-store', { skip }, () => {
  let database: TestDatabase;
  const { namespace, streamName } = uniqueNatsNamespace('split-upload');
  const contentDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-split-upload-'));
  const token = randomBytes(32).toString('hex');
  const started: WatershedProcess[] = [];
  let metadata: WatershedProcess;
  let deployment: WatershedProcess;
  let gateway: WatershedProcess;

  const call = <T>(server: WatershedProcess, method: string, url: string, body?: unknown): Promise<AdminReply<T>> => new AdminApi(server.url, token).call<T>(method, url, body);

  before(async () => {
    database = await createTestDatabase('split_upload');
    const env = {
      WATERSHED_COOKIE_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      DATABASE_URL: database.url,
      NATS_URL: TEST_NATS_URL,
      WATERSHED_NATS_NAMESPACE: namespace,
      WATERSHED_NATS_STREAM: streamName,
      WATERSHED_INSTANCE_ID: '',
      WATERSHED_CONTENT_DIR: contentDir,
      WATERSHED_ADMIN_TOKENS: token,
    };
    metadata = await startWatershed(['--port', '0', '--services', 'metadata-store'], env);
    started.push(metadata);
    deployment = await startWatershed(['--port', '0', '--services', 'deployment,reporting,sync-worker'], env);
    started.push(deployment);
    gateway = await startWatershed(['--port', '0', '--services', 'soap-gateway'], env);
    started.push(gateway);
  });
  after(async () => {
    for (const p of started) await p.stop('SIGKILL');
    await database?.drop();
    const nc = await connect({ servers: TEST_NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(streamName).catch(() => undefined);
    await nc.close();
    rmSync(contentDir, { recursive: true, force: true });
  });

  it('uploads 20 MiB to metadata-store, publishes by digest, approves on deployment, downloads from the gateway', async () => {
    const productId = randomUUID();
    for (const category of [
      { updateId: productId, title: 'Contoso Split', type: 'Product' as const },
      { updateId: UPDATES_CLASSIFICATION, title: 'Updates', type: 'UpdateClassification' as const },
    ]) {
      const imported = await call(metadata, 'POST', '/api/v1/updates/import', { xml: categoryDocumentXml(category), source: 'imported' });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
    }

    const file = randomBytes(20 * 1024 * 1024);
    const sha256 = createHash('sha256').update(file).digest('hex');
    // The content routes are metadata-store's: another process does not serve them.
    const elsewhere = await fetch(`${deployment.url}/api/v1/content/${sha256}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    assert.equal(elsewhere.status, 404);
    const uploaded = await fetch(`${metadata.url}/api/v1/content/${sha256}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: file,
    });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());

    const published = await call<{ updateId: string; revisionId: number }>(metadata, 'POST', '/api/v1/updates/publish', {
      title: 'Contoso Split Agent',
      description: 'Published by digest in split mode.',
      classification: 'Updates',
      productIds: [productId],
      applicability: {
        isInstalled: { type: 'FileVersion', path: 'Contoso\\split.exe', comparison: 'GreaterThanOrEqualTo', version: '1.0.0.0', csidl: 38 },
        isInstallable: { type: 'True' },
      },
      installer: { kind: 'commandLine', program: 'setup.exe' },
      files: [{ fileName: 'setup.exe', sha256 }],
    });
    assert.equal(published.status, 201, JSON.stringify(published.body));

    const group = await call<{ id: string }>(deployment, 'POST', '/api/v1/groups', { name: 'Split' });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    assert.equal((await call(deployment, 'PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' })).status, 200);
    // The deployment process learns of the revision from the log; retry until its projection has it.
    let approved = { status: 0, body: {} as unknown };
    for (let i = 0; i < 100 && approved.status !== 201; i += 1) {
      approved = await call(deployment, 'POST', `/api/v1/updates/${published.body.updateId}/approvals`, { groupId: group.body.id, action: 'Install' });
      if (approved.status !== 201) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(approved.status, 201, JSON.stringify(approved.body));

    const client = new WindowsUpdateAgentClient(gateway.url, { clientId: randomUUID(), dnsName: 'pc-split-01.contoso.test', targetGroups: ['Split'] });
    // The targeting-mode change may also reach the gateway mid-handshake: handshake() recovers as WUA does.
    await client.handshake();
    let offered = false;
    for (let i = 0; i < 100 && !offered; i += 1) {
      // The gateway follows the log on its own: the targeting-mode change may reach it after this
      // client's cookie did, and it then answers ConfigChanged, which WUA recovers from (GetConfig…).
      const { pages, recovered } = await client.syncSoftwareRecovering();
      assert.ok(recovered.every((code) => code === 'ConfigChanged'), `recovered only from ConfigChanged: ${recovered.join(', ')}`);
      offered = pages.flatMap((p) => p.newUpdates).some((u) => u.revisionId === published.body.revisionId);
      if (!offered) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(offered, 'the gateway offers the update published by digest');
    const sha1 = createHash('sha1').update(file).digest('base64');
    const [location] = await client.getFileLocations([sha1]);
    const downloaded = await client.download(location!.url, 4 * 1024 * 1024);
    assert.equal(downloaded.sha1, sha1);
    assert.equal(downloaded.sha256, createHash('sha256').update(file).digest('base64'));
  });
});
